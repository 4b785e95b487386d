package io.quantix.agent.agentctl;

/** agentctl's exit codes (exec exits with the guest command's own code instead). */
final class ExitCodes {
  /** Success. */
  static final int OK = 0;
  /** Anything not listed below. */
  static final int FAILURE = 1;
  /** Bad option, argument, endpoint or path. */
  static final int USAGE = 2;
  /** No connection could be made; the classification is printed. */
  static final int CANNOT_CONNECT = 3;
  /** The deadline passed. */
  static final int DEADLINE_EXCEEDED = 4;
  /** The guest ran the request and reported a failure. */
  static final int REMOTE_FAILURE = 5;
  /** The agent answered with something the protocol does not allow. */
  static final int PROTOCOL = 6;
  /** {@code status}: at least one VM is not CONNECTED. */
  static final int NOT_ALL_CONNECTED = 7;

  private ExitCodes() {}
}
