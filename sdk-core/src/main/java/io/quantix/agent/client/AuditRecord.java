package io.quantix.agent.client;

import io.quantix.agent.AgentException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One mutating operation, as an {@link AuditListener} receives it: when it started, on which VM,
 * what it was (arguments with secrets redacted), who asked, how it ended, whether it may have run
 * in the guest, how long it took and how many bytes it carried. Immutable.
 *
 * <pre>{@code
 * AuditListener denials = r -> {
 *   if (r.code().orElse(null) == AgentException.Code.PERMISSION_DENIED) {
 *     alert(r.vmId() + ": " + r.operation().policyName() + " denied: " + r.detail());
 *   }
 * };
 * }</pre>
 *
 * @param time when the call started
 * @param call the call: VM, operation, principal, redacted arguments
 * @param outcome {@code OK}, or the failure's {@link AgentException.Code} name
 * @param mayHaveRun whether the operation may have run in the guest (true on success; true when
 *     cancelled after it may have been sent, since the guest may have run it anyway)
 * @param duration from start to completion
 * @param bytes bytes the operation carried: sent to the guest for transfers and updates, output
 *     received for exec, declared size for clipboard and network text; 0 when none
 * @param detail the failure's message (the denial's rule and reason), or empty
 */
public record AuditRecord(Instant time, GuardedCall call, String outcome, boolean mayHaveRun,
    Duration duration, long bytes, String detail) {
  /** The outcome of a call that succeeded. */
  public static final String OK = "OK";

  /** Validates the components. */
  public AuditRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(detail, "detail");
  }

  /** The VM. */
  public String vmId() {
    return call.vmId();
  }

  /** The operation. */
  public GuestOperation operation() {
    return call.operation();
  }

  /** The caller's principal, if the call carried one. */
  public Optional<String> principal() {
    return call.principal();
  }

  /** The arguments, secrets redacted. */
  public Map<String, String> arguments() {
    return call.arguments();
  }

  /** The failure code; empty on success. */
  public Optional<AgentException.Code> code() {
    return OK.equals(outcome) ? Optional.empty()
        : Optional.of(AgentException.Code.valueOf(outcome));
  }
}
