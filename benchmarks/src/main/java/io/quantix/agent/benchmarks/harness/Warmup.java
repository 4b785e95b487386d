package io.quantix.agent.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The harness's warm-up: slices until each subject's JIT has settled; returns the trace. */
final class Warmup {
  private Warmup() {}

  /**
   * Warms each subject up in slices of half sequential pings, half 64 in flight, until its ping
   * p50 and its throughput each vary by at most {@value SideBySide#SETTLED} over the last three slices
   * (between the settings' minimum and maximum number of slices).
   */
  static List<String> run(Settings settings, List<Subject> subjects, Consumer<String> say)
      throws Exception {
    List<String> warmupNotes = new ArrayList<>();
    for (Subject s : subjects) {
      say.accept("warming up " + s.name());
      List<Double> p50s = new ArrayList<>();
      List<Double> rates = new ArrayList<>();
      int slices = 0;
      boolean settled = false;
      while (slices < settings.maxWarmupSlices()
          && (slices < settings.minWarmupSlices() || !settled)) {
        long ping = s.pipelines() ? settings.sliceNanos() / 2 : settings.sliceNanos();
        p50s.add(SideBySide.pingPercentiles(s, ping)[0]);
        if (s.pipelines()) {
          rates.add(s.pipelined(SideBySide.DEPTHS[SideBySide.DEPTHS.length - 1], settings.sliceNanos() / 2) / 1e3);
        }
        slices++;
        settled = settled(p50s) && (rates.isEmpty() || settled(rates));
        if (!s.pipelines() && slices >= 3) {
          settled = true;
          break;
        }
      }
      StringBuilder trace = new StringBuilder(s.name()).append(": ").append(slices)
          .append(" slices of ").append(TimeUnit.NANOSECONDS.toMillis(settings.sliceNanos()))
          .append(" ms, ").append(settings.minWarmupSlices() == settings.maxWarmupSlices()
              ? "fixed" : !s.pipelines() ? "no JIT, fixed" : settled ? "settled"
              : "**not settled**").append("; ping p50 µs ")
          .append(join(p50s));
      if (!rates.isEmpty()) {
        trace.append("; k calls/s at 64 in flight ").append(join(rates));
      }
      warmupNotes.add(trace.toString());
    }
    return warmupNotes;
  }

  private static boolean settled(List<Double> values) {
    if (values.size() < 3) {
      return false;
    }
    List<Double> last = values.subList(values.size() - 3, values.size());
    double min = last.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = last.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return min > 0 && max / min <= SideBySide.SETTLED;
  }

  private static String join(List<Double> values) {
    StringBuilder b = new StringBuilder();
    for (double v : values) {
      b.append(b.length() == 0 ? "" : ", ").append(Report.number(v));
    }
    return b.toString();
  }

}
