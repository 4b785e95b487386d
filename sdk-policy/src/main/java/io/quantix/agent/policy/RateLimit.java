package io.quantix.agent.policy;

import io.quantix.agent.policy.internal.Units;
import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code limit} calls per {@code period}, per VM, enforced with a Resilience4j
 * {@code RateLimiter} (fixed windows of {@code period}; a call over the limit is denied at once,
 * never queued).
 *
 * <pre>{@code
 * RateLimit tenPerMinute = RateLimit.parse("10/1m");
 * assert tenPerMinute.equals(new RateLimit(10, Duration.ofMinutes(1)));
 * }</pre>
 *
 * @param limit calls allowed per window, at least 1
 * @param period the window, at least 1 ms
 */
public record RateLimit(int limit, Duration period) {
  /** Validates the components. */
  public RateLimit {
    Objects.requireNonNull(period, "period");
    if (limit < 1) {
      throw new IllegalArgumentException("rate limit must be at least 1, was " + limit);
    }
    if (period.toMillis() < 1) {
      throw new IllegalArgumentException("rate limit period must be at least 1 ms, was " + period);
    }
  }

  /** Parses {@code "LIMIT/PERIOD"}, e.g. {@code 10/1m}, {@code 50/1s}, {@code 5/500ms}. */
  public static RateLimit parse(String text) {
    String t = Objects.requireNonNull(text, "text").trim();
    int slash = t.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("rate limit '" + text + "' is not LIMIT/PERIOD (10/1m)");
    }
    int limit;
    try {
      limit = Integer.parseInt(t.substring(0, slash).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("rate limit '" + text + "': bad limit", e);
    }
    return new RateLimit(limit, Units.duration(t.substring(slash + 1).trim()));
  }

  @Override
  public String toString() {
    return limit + "/" + period;
  }
}
