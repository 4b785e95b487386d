package io.quantix.agent.policy;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.quantix.agent.client.CallGuard;
import io.quantix.agent.client.GuardVerdict;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Enforces an {@link AgentPolicy} (with its per-VM overrides) as a registry's {@link CallGuard}:
 * the policy's rules, then fail-closed audit, then the rate limits, one Resilience4j
 * {@link RateLimiter} per VM and operation class (made on first use, a call over the limit is
 * denied at once). A denied call consumes no permit of a later limit; the {@code all} limit is
 * taken last.
 *
 * <pre>{@code
 * JsonLinesAuditSink audit = JsonLinesAuditSink.builder(Path.of("/var/log/quantix/audit.jsonl"))
 *     .build();
 * PolicyGuard guard = PolicyGuard.of(AgentPolicy.load(Path.of("policy.yaml")), audit);
 * AgentRegistry agents = AgentRegistry.builder().callGuard(guard).auditListener(audit).build();
 * }</pre>
 */
public final class PolicyGuard implements CallGuard {
  private final AgentPolicy policy;
  private final AuditHealth audit;
  private final Map<String, AtomicReferenceArray<RateLimiter>> limiters = new ConcurrentHashMap<>();

  private PolicyGuard(AgentPolicy policy, AuditHealth audit) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.audit = audit;
  }

  /** A guard for {@code policy}, without an audit sink to watch (fail-closed denies all). */
  public static PolicyGuard of(AgentPolicy policy) {
    return new PolicyGuard(policy, null);
  }

  /** A guard for {@code policy} that watches {@code audit} when the policy fails closed. */
  public static PolicyGuard of(AgentPolicy policy, AuditHealth audit) {
    return new PolicyGuard(policy, Objects.requireNonNull(audit, "audit"));
  }

  /** The policy enforced (with its overrides). */
  public AgentPolicy policy() {
    return policy;
  }

  @Override
  public GuardVerdict check(GuardedCall call) {
    AgentPolicy p = policy.forVm(call.vmId());
    GuardVerdict v = p.check(call);
    if (!v.allowed()) {
      return v;
    }
    GuestOperation op = call.operation();
    if (op == GuestOperation.THAW) {
      return v;
    }
    if (p.auditFailClosed() && op.mutating()) {
      if (audit == null) {
        return GuardVerdict.deny("audit.failClosed", "no audit sink is watched");
      }
      if (!audit.healthy()) {
        return GuardVerdict.deny("audit.failClosed", "the audit cannot be written: "
            + audit.lastFailure());
      }
    }
    Map<OperationClass, RateLimit> limits = p.rateLimits();
    if (limits.isEmpty()) {
      return v;
    }
    OperationClass c = OperationClass.of(op);
    GuardVerdict limited = acquire(call.vmId(), c, limits.get(c));
    return limited != null ? limited
        : acquireOrAllow(call.vmId(), limits.get(OperationClass.ALL));
  }

  private GuardVerdict acquireOrAllow(String vmId, RateLimit all) {
    GuardVerdict v = acquire(vmId, OperationClass.ALL, all);
    return v != null ? v : GuardVerdict.allow();
  }

  /** Null when a permit was taken (or no limit applies), else the denial. */
  private GuardVerdict acquire(String vmId, OperationClass c, RateLimit limit) {
    if (limit == null) {
      return null;
    }
    // One slot per class and VM; forVm(vmId) is always the same policy, so vmId is the key.
    AtomicReferenceArray<RateLimiter> slots = limiters.computeIfAbsent(vmId,
        k -> new AtomicReferenceArray<>(OperationClass.values().length));
    RateLimiter limiter = slots.get(c.ordinal());
    if (limiter == null) {
      RateLimiter made = RateLimiter.of("agent-" + vmId + "-" + c.policyName(),
          RateLimiterConfig.custom()
              .limitForPeriod(limit.limit())
              .limitRefreshPeriod(limit.period())
              .timeoutDuration(Duration.ZERO)
              .build());
      limiter = slots.compareAndSet(c.ordinal(), null, made) ? made : slots.get(c.ordinal());
    }
    if (limiter.acquirePermission()) {
      return null;
    }
    return GuardVerdict.deny("rateLimits." + c.policyName(), vmId + " is over " + limit.limit()
        + " " + (c == OperationClass.ALL ? "" : c.policyName() + " ") + "calls per "
        + limit.period());
  }

  /** The limiter of {@code vmId} for {@code operations}, if one was made (tests, metrics). */
  public RateLimiter limiter(String vmId, OperationClass operations) {
    AtomicReferenceArray<RateLimiter> slots = limiters.get(vmId);
    return slots == null ? null : slots.get(operations.ordinal());
  }

  @Override
  public String toString() {
    return "PolicyGuard{" + policy + ", " + limiters.size() + " rate limiters}";
  }
}
