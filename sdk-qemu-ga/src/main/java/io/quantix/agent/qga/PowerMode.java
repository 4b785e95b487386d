package io.quantix.agent.qga;

/**
 * {@code guest-shutdown}'s mode.
 *
 * <pre>{@code
 * qga.shutdown(PowerMode.REBOOT).join();
 * }</pre>
 */
public enum PowerMode {
  /** Power off. */
  POWERDOWN("powerdown"),
  /** Halt without powering off. */
  HALT("halt"),
  /** Reboot. */
  REBOOT("reboot");

  private final String wire;

  PowerMode(String wire) {
    this.wire = wire;
  }

  /** The mode as qemu-ga spells it. */
  public String wireName() {
    return wire;
  }
}
