package io.quantix.agent.client;

/**
 * Receives one {@link AuditRecord} per mutating operation (see {@link GuestOperation#mutating()}):
 * when it completes, whatever the outcome, and when a {@link CallGuard} denies it. Installed on the
 * registry ({@code AgentRegistry.Builder.auditListener}).
 *
 * <p>Called on the thread that completes the call (the callback executor, or a thread blocked on
 * the call's future; the caller's thread for a denial), never on an I/O thread. It should return
 * quickly and must not throw; a listener that throws is logged and the call's outcome is
 * unchanged. Records carry no secrets: passwords, secret-looking environment values and file
 * contents never reach a listener.
 *
 * <pre>{@code
 * AuditListener toLog = r -> log.info("{} {} {} {}", r.vmId(), r.operation().policyName(),
 *     r.outcome(), r.arguments());
 * AgentRegistry agents = AgentRegistry.builder().auditListener(toLog).build();
 * }</pre>
 */
@FunctionalInterface
public interface AuditListener {
  /** Records one operation. */
  void onAudit(AuditRecord record);
}
