package io.quantix.agent.client;

/**
 * Decides, on the caller's thread and before any I/O, whether a call may go ahead. Installed on
 * the registry ({@code AgentRegistry.Builder.callGuard}); every operation of every client of that
 * registry passes through it once (an upload once, not once per chunk). A denied call fails with
 * {@code PERMISSION_DENIED} naming the rule, {@code mayHaveRun() == false}; a guard that throws
 * denies too (rule {@code guard.error}), so a broken guard fails closed. {@link
 * GuestOperation#THAW} is never put to the guard: nothing may leave a guest frozen. Requests the
 * SDK makes on its own behalf (keep-alive and readiness pings) are not guarded; the restart
 * command of an agent update is an exec like any other.
 *
 * <p>Must be fast and thread-safe, and must not block: it runs on every caller's thread.
 *
 * <pre>{@code
 * CallGuard noPower = call -> switch (call.operation()) {
 *   case POWER_OFF, REBOOT, HALT -> GuardVerdict.deny("no-power", "power actions are off");
 *   default -> GuardVerdict.allow();
 * };
 * AgentRegistry agents = AgentRegistry.builder().callGuard(noPower).build();
 * }</pre>
 */
@FunctionalInterface
public interface CallGuard {
  /** Allows everything. */
  CallGuard ALLOW_ALL = call -> GuardVerdict.allow();

  /** The verdict on {@code call}. */
  GuardVerdict check(GuardedCall call);
}
