package io.quantix.agent.benchmarks.harness;

import java.util.Arrays;
import java.util.List;

/** Percentiles of one iteration, and the median with its spread over iterations. */
final class Stats {
  private Stats() {}

  /** The nearest-rank percentile {@code p} (0..100) of the first {@code n} samples; sorts them. */
  static long percentile(long[] samples, int n, double p) {
    if (n == 0) {
      throw new IllegalArgumentException("no samples");
    }
    Arrays.sort(samples, 0, n);
    int rank = (int) Math.ceil(p / 100.0 * n);
    return samples[Math.max(0, Math.min(n - 1, rank - 1))];
  }

  /** The median of iteration results and their min and max (the spread). */
  record Summary(double median, double min, double max, int iterations) {
    static Summary of(List<Double> values) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("no iterations");
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = v.length;
      double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      return new Summary(median, v[0], v[n - 1], n);
    }
  }
}
