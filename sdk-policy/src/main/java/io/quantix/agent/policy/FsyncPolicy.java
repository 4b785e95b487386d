package io.quantix.agent.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link JsonLinesAuditSink} forces its records to disk: after every record (nothing
 * acknowledged is lost to a power cut, one fsync per mutating call), at most once per interval
 * (a power cut loses at most that interval), or never (the OS decides; records survive a crash of
 * this process, not of the host). Rotation and close always force.
 *
 * <pre>{@code
 * FsyncPolicy p = FsyncPolicy.every(Duration.ofSeconds(1));
 * }</pre>
 */
public final class FsyncPolicy {
  /** After every record. */
  public static final FsyncPolicy EVERY_RECORD = new FsyncPolicy(Duration.ZERO);
  /** Never explicitly (rotation and close excepted). */
  public static final FsyncPolicy NEVER = new FsyncPolicy(null);

  private final Duration interval;

  private FsyncPolicy(Duration interval) {
    this.interval = interval;
  }

  /** At most once per {@code interval}, on the write that finds the last fsync older. */
  public static FsyncPolicy every(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("fsync interval is negative: " + interval);
    }
    return interval.isZero() ? EVERY_RECORD : new FsyncPolicy(interval);
  }

  /** Whether a write at {@code nowNanos}, the last fsync at {@code lastNanos}, must force. */
  boolean due(long nowNanos, long lastNanos) {
    return interval != null && (interval.isZero() || nowNanos - lastNanos >= interval.toNanos());
  }

  @Override
  public String toString() {
    return interval == null ? "never" : interval.isZero() ? "every record" : "every " + interval;
  }
}
