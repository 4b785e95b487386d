package io.quantix.agent.client;

/**
 * The signals the agent can send. It maps these numbers and turns any other into TERM, so the SDK
 * offers only these; if sending fails, the agent falls back to KILL.
 */
public enum ProcessSignal {
  /** SIGHUP (1). */
  HUP(1),
  /** SIGINT (2). */
  INT(2),
  /** SIGQUIT (3). */
  QUIT(3),
  /** SIGKILL (9): cannot be caught. */
  KILL(9),
  /** SIGTERM (15): the polite default. */
  TERM(15);

  private final int number;

  ProcessSignal(int number) {
    this.number = number;
  }

  /** The signal number on the wire. */
  public int number() {
    return number;
  }
}
