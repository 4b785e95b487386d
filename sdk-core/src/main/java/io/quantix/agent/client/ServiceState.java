package io.quantix.agent.client;

/**
 * The outcome of a service action.
 *
 * @param name the service
 * @param action what was asked
 * @param state the state the guest reported afterwards, as free text
 */
public record ServiceState(String name, Action action, String state) {

  /** The service actions of the protocol. */
  public enum Action {
    /** Start it. */
    START,
    /** Stop it. */
    STOP,
    /** Restart it. */
    RESTART,
    /** Start it at boot. */
    ENABLE,
    /** Do not start it at boot. */
    DISABLE,
    /** Only report its state. */
    STATUS
  }
}
