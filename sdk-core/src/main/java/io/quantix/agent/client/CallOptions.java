package io.quantix.agent.client;

import io.quantix.agent.Deadline;
import java.time.Duration;
import java.util.Objects;

/**
 * Per-call semantics, immutable, in the style of gRPC's {@code CallOptions}: a deadline (one instant
 * covering queueing, reconnect waits and retries), whether a call that may already have run in
 * the guest may be retried, and who is asking (the principal a policy and the audit see).
 *
 * <pre>{@code
 * CallOptions opts = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(2)).withPrincipal("alice");
 * client.withOptions(opts).ping().join();
 * }</pre>
 */
public final class CallOptions {
  /** The default timeout of a call: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Default options: 30 s timeout, retries only where safe. */
  public static final CallOptions DEFAULT = new CallOptions(null, null, false, null);

  private final Deadline deadline;
  private final Duration timeout;
  private final boolean retryMayHaveRun;
  private final String principal;

  private CallOptions(Deadline deadline, Duration timeout, boolean retryMayHaveRun,
      String principal) {
    this.deadline = deadline;
    this.timeout = timeout;
    this.retryMayHaveRun = retryMayHaveRun;
    this.principal = principal;
  }

  /** These options with a fixed deadline instant. */
  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(Objects.requireNonNull(deadline, "deadline"), null, retryMayHaveRun,
        principal);
  }

  /** These options with a timeout counted from when each call starts. */
  public CallOptions withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return new CallOptions(null, timeout, retryMayHaveRun, principal);
  }

  /**
   * These options with retries of calls that may already have run in the guest (exec, writes,
   * deletes...). Off by default: only idempotent operations are retried after they left the client.
   */
  public CallOptions withRetryOfNonIdempotent(boolean enabled) {
    return new CallOptions(deadline, timeout, enabled, principal);
  }

  /**
   * These options on behalf of {@code principal} (a user or service name), which a registry's
   * {@code CallGuard} and {@code AuditListener} see; null for none. Not sent to the guest.
   */
  public CallOptions withPrincipal(String principal) {
    if (principal != null && (principal.isBlank() || principal.indexOf('\0') >= 0)) {
      throw new IllegalArgumentException("principal is blank or contains NUL");
    }
    return new CallOptions(deadline, timeout, retryMayHaveRun, principal);
  }

  /** Who the calls are made for, or null. */
  public String principal() {
    return principal;
  }

  /** Whether the caller set a deadline or timeout (otherwise operations may derive one). */
  public boolean hasExplicitDeadline() {
    return deadline != null || timeout != null;
  }

  /** The deadline of a call starting now. */
  public Deadline deadlineFromNow() {
    if (deadline != null) {
      return deadline;
    }
    return Deadline.after(timeout != null ? timeout : DEFAULT_TIMEOUT);
  }

  /** Whether calls that may have run may be retried. */
  public boolean retryMayHaveRun() {
    return retryMayHaveRun;
  }

  @Override
  public String toString() {
    return "CallOptions{" + (deadline != null ? "deadline=" + deadline
        : "timeout=" + (timeout != null ? timeout : DEFAULT_TIMEOUT))
        + ", retryMayHaveRun=" + retryMayHaveRun
        + (principal != null ? ", principal=" + principal : "") + '}';
  }
}
