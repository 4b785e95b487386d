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
 * Deadline inTest = Deadline.after(Duration.ofSeconds(5), fakeTicker);  // time moved by the test
 * }</pre>
 *
 * <p>Two deadlines are compared only when they read the same {@link Ticker}.
 */
public final class Deadline implements Comparable<Deadline> {
  private static final long MAX_NANOS = TimeUnit.DAYS.toNanos(365L * 100);
  private final Ticker ticker;
  private final long deadlineNanos;

  private Deadline(Ticker ticker, long deadlineNanos) {
    this.ticker = ticker;
    this.deadlineNanos = deadlineNanos;
  }

  /** A deadline {@code timeout} from now; negative or zero durations are already expired. */
  public static Deadline after(Duration timeout) {
    return after(timeout, Ticker.system());
  }

  /** A deadline {@code timeout} from now as {@code ticker} tells time. */
  public static Deadline after(Duration timeout, Ticker ticker) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(ticker, "ticker");
    long nanos;
    try {
      nanos = Math.min(timeout.toNanos(), MAX_NANOS);
    } catch (ArithmeticException e) {
      nanos = timeout.isNegative() ? -MAX_NANOS : MAX_NANOS;
    }
    return new Deadline(ticker, ticker.nanoTime() + nanos);
  }

  /** A deadline {@code amount} {@code unit}s from now. */
  public static Deadline after(long amount, TimeUnit unit) {
    return after(Duration.ofNanos(unit.toNanos(amount)));
  }

  /** The ticker this deadline reads. */
  public Ticker ticker() {
    return ticker;
  }

  /** Whether the deadline has passed. */
  public boolean isExpired() {
    return ticker.nanoTime() - deadlineNanos >= 0;
  }

  /** Time left, never negative. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - ticker.nanoTime()));
  }

  /** Time left in {@code unit}, never negative. */
  public long remaining(TimeUnit unit) {
    return unit.convert(Math.max(0, deadlineNanos - ticker.nanoTime()), TimeUnit.NANOSECONDS);
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
    long left = Math.max(0, deadlineNanos - ticker.nanoTime());
    return new Deadline(ticker, ticker.nanoTime() + left / parts);
  }

  @Override
  public int compareTo(Deadline other) {
    return Long.signum(deadlineNanos - other.deadlineNanos);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline && ((Deadline) o).deadlineNanos == deadlineNanos
        && ((Deadline) o).ticker == ticker;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(deadlineNanos);
  }

  @Override
  public String toString() {
    long left = deadlineNanos - ticker.nanoTime();
    return left >= 0 ? "Deadline[" + Duration.ofNanos(left) + " from now]"
        : "Deadline[expired " + Duration.ofNanos(-left) + " ago]";
  }
}
