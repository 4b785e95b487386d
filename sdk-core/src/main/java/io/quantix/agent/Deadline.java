package io.quantix.agent;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An instant by which a call must finish, on the monotonic clock, in the style of gRPC's
 * {@code Deadline}. One deadline covers a call's queueing, reconnect waits and retries.
 *
 * <pre>{@code
 * Deadline d = Deadline.after(Duration.ofSeconds(5));
 * if (d.isExpired()) { ... }
 * long left = d.remaining(TimeUnit.MILLISECONDS);
 * }</pre>
 */
public final class Deadline implements Comparable<Deadline> {
  private static final long MAX_NANOS = TimeUnit.DAYS.toNanos(365L * 100);
  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** A deadline {@code timeout} from now; negative or zero durations are already expired. */
  public static Deadline after(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long nanos;
    try {
      nanos = Math.min(timeout.toNanos(), MAX_NANOS);
    } catch (ArithmeticException e) {
      nanos = timeout.isNegative() ? -MAX_NANOS : MAX_NANOS;
    }
    return new Deadline(System.nanoTime() + nanos);
  }

  /** A deadline {@code amount} {@code unit}s from now. */
  public static Deadline after(long amount, TimeUnit unit) {
    return after(Duration.ofNanos(unit.toNanos(amount)));
  }

  /** Whether the deadline has passed. */
  public boolean isExpired() {
    return System.nanoTime() - deadlineNanos >= 0;
  }

  /** Time left, never negative. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /** Time left in {@code unit}, never negative. */
  public long remaining(TimeUnit unit) {
    return unit.convert(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** The earlier of this and {@code other}. */
  public Deadline minimum(Deadline other) {
    return isBefore(other) ? this : other;
  }

  /** Whether this deadline comes strictly before {@code other}. */
  public boolean isBefore(Deadline other) {
    return deadlineNanos - other.deadlineNanos < 0;
  }

  /** A deadline that is a fraction of the time left: used to share a deadline between attempts. */
  public Deadline share(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be >= 1: " + parts);
    }
    long left = Math.max(0, deadlineNanos - System.nanoTime());
    return new Deadline(System.nanoTime() + left / parts);
  }

  @Override
  public int compareTo(Deadline other) {
    return Long.signum(deadlineNanos - other.deadlineNanos);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline && ((Deadline) o).deadlineNanos == deadlineNanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(deadlineNanos);
  }

  @Override
  public String toString() {
    long left = deadlineNanos - System.nanoTime();
    return left >= 0 ? "Deadline[" + Duration.ofNanos(left) + " from now]"
        : "Deadline[expired " + Duration.ofNanos(-left) + " ago]";
  }
}
