package io.quantix.agent.policy.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, ISO) and sizes
 * ({@code 10MiB}).
 */
public final class Units {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

  private Units() {}

  /** Parses a duration. */
  public static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms": return Duration.ofMillis(n);
        case "s": return Duration.ofSeconds(n);
        case "m": return Duration.ofMinutes(n);
        case "h": return Duration.ofHours(n);
        default: return Duration.ofDays(n);
      }
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("duration '" + text + "' is not like 500ms, 30s, 5m, 1h",
          e);
    }
  }

  /** Parses a byte size; KB and KiB both mean 1024 (a limit, not a disk label). */
  public static long size(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("size '" + text + "' is not like 1048576, 64KiB, 10MiB");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2);
    int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20
        : unit.startsWith("g") ? 30 : 0;
    return Math.multiplyExact(n, 1L << shift);
  }
}
