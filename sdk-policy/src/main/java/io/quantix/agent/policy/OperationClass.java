package io.quantix.agent.policy;

import io.quantix.agent.client.GuestOperation;
import java.util.Locale;

/**
 * The classes of operations that rate limits apply to, each limited per VM. {@link #ALL} counts
 * every operation of the VM. Thaw is never limited: a policy must not leave a guest frozen.
 *
 * <pre>{@code
 * assert OperationClass.of(GuestOperation.UPLOAD) == OperationClass.FILE;
 * }</pre>
 */
public enum OperationClass {
  /** Every operation of the VM. */
  ALL,
  /** Commands. */
  EXEC,
  /** Uploads, downloads, stat, listing, mkdir, delete. */
  FILE,
  /** Power off, reboot, halt. */
  POWER,
  /** Changes besides files and power: password, network, time, quiesce, processes, services,
   *  display, clipboard set, agent update. */
  ADMIN,
  /** Reads besides files: ping, capabilities, inventory, process and service lists, clipboard. */
  INFO;

  /** The class of {@code operation} (never {@link #ALL}). */
  public static OperationClass of(GuestOperation operation) {
    switch (operation) {
      case EXEC:
        return EXEC;
      case UPLOAD: case DOWNLOAD: case STAT: case LIST: case MKDIR: case DELETE:
        return FILE;
      case POWER_OFF: case REBOOT: case HALT:
        return POWER;
      default:
        return operation.mutating() ? ADMIN : INFO;
    }
  }

  /** The lower-case name used in policy files. */
  public String policyName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
