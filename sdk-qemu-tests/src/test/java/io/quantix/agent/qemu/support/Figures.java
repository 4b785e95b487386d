package io.quantix.agent.qemu.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The tier's measured figures (boot time, latency, throughput through the real virtio-serial
 * path): printed and appended to {@code figures.md} in the work directory. Reported, never
 * asserted: timings on a shared TCG machine vary too much for thresholds.
 */
public final class Figures {
  private Figures() {}

  /** Prints and records one line. */
  public static synchronized void record(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    System.out.println("[qemu-tier] " + line);
    try {
      Files.createDirectories(QemuTier.workDir());
      Files.writeString(QemuTier.workDir().resolve("figures.md"), "- " + line + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code p}-th percentile (0..100) of {@code nanos}, in milliseconds. */
  public static double percentileMillis(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  /** Megabytes (10^6 bytes) per second. */
  public static double megabytesPerSecond(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }
}
