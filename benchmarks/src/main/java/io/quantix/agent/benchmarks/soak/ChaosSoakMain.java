package io.quantix.agent.benchmarks.soak;

import io.quantix.agent.it.soak.ChaosSoak;
import io.quantix.agent.it.soak.SoakResult;
import java.time.Duration;

/**
 * The long chaos soak of issue 13, without JMH: {@code ChaosSoakMain [--seconds 60] [--seed N]...}
 * runs one soak per seed (default seeds 1 and 2), prints every invariant with its figures, and
 * exits 1 if any invariant broke. See benchmarks/README.md.
 *
 * <pre>{@code
 * java -Dio.netty.leakDetection.targetRecords=0 -cp benchmarks/target/benchmarks.jar \
 *     io.quantix.agent.benchmarks.soak.ChaosSoakMain --seconds 60 --seed 1 --seed 2
 * }</pre>
 */
public final class ChaosSoakMain {
  private ChaosSoakMain() {}

  /** Runs the soaks; exit code 0 when every invariant held, 1 otherwise, 2 on a usage error. */
  public static void main(String[] args) throws Exception {
    // PARANOID leak tracking without access stacks, unless the command line chose otherwise.
    if (System.getProperty("io.netty.leakDetection.targetRecords") == null) {
      System.setProperty("io.netty.leakDetection.targetRecords", "0");
    }
    long seconds = 60;
    java.util.List<Long> seeds = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--seconds") && i + 1 < args.length) {
        seconds = Long.parseLong(args[++i]);
      } else if (args[i].equals("--seed") && i + 1 < args.length) {
        seeds.add(Long.parseLong(args[++i]));
      } else {
        System.err.println("usage: ChaosSoakMain [--seconds N] [--seed N]...");
        System.exit(2);
      }
    }
    if (seeds.isEmpty()) {
      seeds = java.util.List.of(1L, 2L);
    }
    boolean ok = true;
    for (long seed : seeds) {
      SoakResult result = new ChaosSoak(seed, Duration.ofSeconds(seconds)).run();
      result.lines().forEach(System.out::println);
      ok &= result.violations().isEmpty();
    }
    System.exit(ok ? 0 : 1);
  }
}
