package io.quantix.agent;

/**
 * A source of monotonic nanoseconds, as gRPC's {@code Deadline.Ticker}: deadlines read time
 * through one, so tests can move time by hand instead of sleeping.
 *
 * <pre>{@code
 * long[] now = {0};
 * Ticker fake = () -> now[0];
 * Deadline d = Deadline.after(Duration.ofSeconds(5), fake);
 * now[0] += Duration.ofSeconds(5).toNanos();   // d.isExpired() is now true
 * }</pre>
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds from an arbitrary origin; only differences between two readings mean anything. */
  long nanoTime();

  /** The system's monotonic clock, {@link System#nanoTime()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

/** {@link System#nanoTime()} as a {@link Ticker}. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
