package io.quantix.agent.client;

/**
 * How a power action was confirmed. A real poweroff often sends no reply at all: the agent answers
 * only after the command returns, and by then the VM may be gone. So a session that ends after
 * the request was written counts as success, as does an agent that restarts (a new AgentReady on
 * the same channel, as after an in-place reboot).
 *
 * <pre>{@code
 * PowerResult r = client.lifecycle().powerOff(PowerOptions.NOW).join();
 * if (r.confirmation() == PowerResult.Confirmation.SESSION_ENDED) log.info("VM went away");
 * }</pre>
 *
 * @param action what was asked
 * @param confirmation what showed that it happened
 */
public record PowerResult(Action action, Confirmation confirmation) {

  /** The power action. */
  public enum Action {
    /** Power off. */
    POWER_OFF,
    /** Reboot. */
    REBOOT,
    /** Halt without powering off. */
    HALT
  }

  /** The evidence that the guest took the action. */
  public enum Confirmation {
    /** The agent replied that the command succeeded ({@code accepted=true}). */
    ACCEPTED,
    /** The session ended (end of stream, VM stopped) after the request was written. */
    SESSION_ENDED,
    /** The agent started a new session (AgentReady) after the request was written. */
    AGENT_RESET
  }
}
