package io.quantix.agent.benchmarks.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The command line, and the schedule it implies. */
record Settings(boolean quick, int iterations, int minWarmupSlices, int maxWarmupSlices,
    long sliceNanos, long pingNanos, long pipelineNanos, long transferBytes, boolean jmh,
    boolean qemuGa, Path out) {

  static final String USAGE = String.join("\n",
      "usage: java -cp benchmarks/target/benchmarks.jar "
          + "io.quantix.agent.benchmarks.harness.SideBySide [options]",
      "  --quick          seconds, not minutes: small sizes, 2 iterations, no JMH (CI smoke test)",
      "  --iterations N   measured iterations per row (default 5; quick 2)",
      "  --out DIR        where the markdown table goes (default benchmarks/results)",
      "  --skip-jmh       leave out the framing JMH rows",
      "  --skip-qemu-ga   leave out the qemu-ga column",
      "  --help           this text");

  /** Parses the command line; null when help was asked for. */
  static Settings parse(String... args) {
    boolean quick = false;
    boolean jmh = true;
    boolean qemuGa = true;
    Integer iterations = null;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick": quick = true; break;
        case "--skip-jmh": jmh = false; break;
        case "--skip-qemu-ga": qemuGa = false; break;
        case "--iterations":
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--iterations needs a number");
          }
          iterations = Integer.parseInt(args[++i]);
          if (iterations < 1) {
            throw new IllegalArgumentException("--iterations must be at least 1");
          }
          break;
        case "--out":
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--out needs a directory");
          }
          out = Path.of(args[++i]);
          break;
        case "--help":
        case "-h":
          return null;
        default:
          throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    if (out == null) {
      out = Files.isRegularFile(Path.of("benchmarks", "pom.xml")) ? Path.of("benchmarks", "results")
          : Path.of("results");
    }
    if (quick) {
      return new Settings(true, iterations == null ? 2 : iterations, 2, 2, ms(300), ms(200),
          ms(200), 8L << 20, false, qemuGa, out);
    }
    return new Settings(false, iterations == null ? 5 : iterations, 6, 20, ms(1_000), ms(1_000),
        ms(1_000), 256L << 20, jmh, qemuGa, out);
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
