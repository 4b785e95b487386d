package io.quantix.agent.agentctl;

import java.time.Duration;
import java.util.Locale;

/** Numbers for people: sizes, durations, rates, permission strings. */
final class Format {
  private Format() {}

  /** {@code 512 B}, {@code 3.0 KiB}, {@code 1.5 MiB}, {@code 2.0 GiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** {@code 850 ms}, {@code 1.2 s}, {@code 3m 05s}, {@code 2h 03m}, {@code 4d 01h}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    long s = d.toSeconds();
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    if (s < 86400) {
      return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%dd %02dh", s / 86400, (s % 86400) / 3600);
  }

  /** A round trip: {@code 0.42 ms}, {@code 12.3 ms}. */
  static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
  }

  /** {@code 12.3 MiB/s}. */
  static String rate(double mibPerSecond) {
    return String.format(Locale.ROOT, "%.1f MiB/s", mibPerSecond);
  }

  /** {@code 0644}. */
  static String octal(int mode) {
    return String.format(Locale.ROOT, "%04o", mode);
  }

  /** {@code rwxr-xr-x} with set-id and sticky bits, after a type letter. */
  static String permissions(char type, int mode) {
    StringBuilder sb = new StringBuilder().append(type);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    if ((mode & 04000) != 0) {
      sb.setCharAt(3, sb.charAt(3) == 'x' ? 's' : 'S');
    }
    if ((mode & 02000) != 0) {
      sb.setCharAt(6, sb.charAt(6) == 'x' ? 's' : 'S');
    }
    if ((mode & 01000) != 0) {
      sb.setCharAt(9, sb.charAt(9) == 'x' ? 't' : 'T');
    }
    return sb.toString();
  }
}
