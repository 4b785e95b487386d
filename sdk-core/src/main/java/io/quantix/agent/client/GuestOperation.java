package io.quantix.agent.client;

import java.util.Locale;

/**
 * What a call does in the guest, as a {@link CallGuard} and an {@link AuditListener} see it: one
 * value per public operation (power off, reboot and halt apart, though they share a request type;
 * an upload is one operation however many chunks it takes). Mutating operations yield one
 * {@link AuditRecord} each.
 *
 * <pre>{@code
 * CallGuard readOnly = call -> call.operation().mutating()
 *     ? GuardVerdict.deny("read-only", call.operation().policyName() + " changes the guest")
 *     : GuardVerdict.allow();
 * }</pre>
 */
public enum GuestOperation {
  PING(false),
  CAPABILITIES(false),
  EXEC(true),
  UPLOAD(true),
  DOWNLOAD(false),
  STAT(false),
  LIST(false),
  MKDIR(true),
  DELETE(true),
  POWER_OFF(true),
  REBOOT(true),
  HALT(true),
  RESET_PASSWORD(true),
  CONFIGURE_NETWORK(true),
  SYNC_TIME(true),
  QUIESCE(true),
  THAW(true),
  DISPLAY_RESIZE(true),
  CLIPBOARD_SET(true),
  CLIPBOARD_GET(false),
  LIST_PROCESSES(false),
  KILL_PROCESS(true),
  LIST_SERVICES(false),
  SERVICE_CONTROL(true),
  HARDWARE_INFO(false),
  LIST_SOFTWARE(false),
  AGENT_UPDATE(true);

  private final boolean mutating;
  private final String policyName;

  GuestOperation(boolean mutating) {
    this.mutating = mutating;
    this.policyName = name().toLowerCase(Locale.ROOT);
  }

  /** Whether the operation changes the guest (and so is audited). */
  public boolean mutating() {
    return mutating;
  }

  /** The lower-case name used in policy files and audit records, e.g. {@code power_off}. */
  public String policyName() {
    return policyName;
  }

  /** The operation named {@code name} (case-insensitive, {@code -} or {@code _}). */
  public static GuestOperation byName(String name) {
    try {
      return valueOf(name.trim().replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown operation '" + name + "'", e);
    }
  }
}
