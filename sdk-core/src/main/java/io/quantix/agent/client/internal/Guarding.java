package io.quantix.agent.client.internal;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AuditListener;
import io.quantix.agent.client.AuditRecord;
import io.quantix.agent.client.CallGuard;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.GuardVerdict;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UpdateResult;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry's {@link CallGuard} and {@link AuditListener}, applied where an operation starts:
 * the guard on the caller's thread before any I/O, one audit record when a mutating operation
 * ends (or is denied). The returned future is the operation's own, so cancellation and the
 * blocked-caller hand-off work as without a guard.
 */
public final class Guarding {
  /** No guard, no audit: operations start directly. */
  public static final Guarding NONE = new Guarding(null, null);
  private static final Logger log = LoggerFactory.getLogger(Guarding.class);

  private final CallGuard guard;
  private final AuditListener audit;

  private Guarding(CallGuard guard, AuditListener audit) {
    this.guard = guard;
    this.audit = audit;
  }

  /** A guarding with {@code guard} and {@code audit}, each possibly null. */
  public static Guarding of(CallGuard guard, AuditListener audit) {
    return guard == null && audit == null ? NONE : new Guarding(guard, audit);
  }

  /** Whether anything is installed; when not, operations skip describing themselves. */
  boolean active() {
    return this != NONE;
  }

  /**
   * Judges {@code call}, then starts the operation with {@code start}, auditing it when it
   * mutates the guest.
   *
   * @param sentBytes bytes moved so far (for an operation that fails part-way), or null to take
   *     them from the result
   */
  <T> CompletableFuture<T> run(GuardedCall call, Supplier<CompletableFuture<T>> start,
      LongSupplier sentBytes) {
    Instant time = Instant.now();
    long startNanos = System.nanoTime();
    AgentException denied = judge(call);
    if (denied != null) {
      record(call, time, startNanos, null, denied, 0L);
      return CompletableFuture.failedFuture(denied);
    }
    CompletableFuture<T> future;
    try {
      future = start.get();
    } catch (AgentException e) {
      future = CompletableFuture.failedFuture(e);
    }
    if (audit != null && call.operation().mutating()) {
      future.whenComplete((value, failure) -> record(call, time, startNanos, value, failure,
          sentBytes != null ? sentBytes.getAsLong() : bytesOf(value, call)));
    }
    return future;
  }

  private AgentException judge(GuardedCall call) {
    // Thaw is never refused: a guard must not be able to leave a guest's filesystems frozen.
    if (guard == null || call.operation() == GuestOperation.THAW) {
      return null;
    }
    GuardVerdict verdict;
    try {
      verdict = guard.check(call);
    } catch (RuntimeException e) {
      log.warn("call guard failed on {} of {}; denying", call.operation().policyName(),
          call.vmId(), e);
      verdict = GuardVerdict.deny("guard.error", "the call guard failed: " + e);
    }
    if (verdict == null || verdict.allowed()) {
      return verdict == null ? AgentException.of(Code.PERMISSION_DENIED, call.vmId() + ": "
          + call.operation().policyName() + " denied: the call guard gave no verdict") : null;
    }
    return AgentException.of(Code.PERMISSION_DENIED, call.vmId() + ": "
        + call.operation().policyName() + " denied by rule " + verdict.rule() + ": "
        + verdict.reason());
  }

  private void record(GuardedCall call, Instant time, long startNanos, Object value,
      Throwable failure, long bytes) {
    if (audit == null || !call.operation().mutating()) {
      return;
    }
    String outcome = AuditRecord.OK;
    boolean mayHaveRun = true;
    String detail = "";
    if (failure != null) {
      AgentException e = AgentException.from(failure);
      outcome = e.code().name();
      // A cancelled call may have been written already: the guest may have run it.
      mayHaveRun = e.mayHaveRun() || unwrap(failure) instanceof CancellationException;
      detail = String.valueOf(e.getMessage());
    }
    try {
      audit.onAudit(new AuditRecord(time, call, outcome, mayHaveRun,
          Duration.ofNanos(System.nanoTime() - startNanos), Math.max(0L, bytes), detail));
    } catch (RuntimeException e) {
      log.warn("audit listener failed on {} of {}", call.operation().policyName(), call.vmId(), e);
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while (cur.getCause() != null && !(cur instanceof CancellationException)
        && !(cur instanceof AgentException)) {
      cur = cur.getCause();
    }
    return cur;
  }

  private static long bytesOf(Object value, GuardedCall call) {
    if (value instanceof TransferResult) {
      return ((TransferResult) value).bytes();
    }
    if (value instanceof UpdateResult) {
      return ((UpdateResult) value).bytes();
    }
    if (value instanceof ExecResult) {
      ExecResult r = (ExecResult) value;
      return (long) r.stdout().length() + r.stderr().length();
    }
    return call.bytes();
  }
}
