package io.quantix.agent.benchmarks.harness;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What two thread hand-offs cost on this machine, with no I/O and no work: a caller hands a task
 * to an idle thread and waits for its result, as a call handed to an I/O thread and completed back
 * to a blocked caller does. Every event-loop client (the SDK, gRPC-java, Lettuce) pays at least
 * this on a blocking call; the raw-socket floor pays none, so the floor plus this figure bounds
 * how close to the floor such a client's round trip can come.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.quantix.agent.benchmarks.harness.HandOffFloor 5
 * }</pre>
 */
public final class HandOffFloor {
  private HandOffFloor() {}

  /** Argument: seconds per round (default 5); three rounds. */
  public static void main(String[] args) throws Exception {
    long nanos = (args.length > 0 ? Long.parseLong(args[0]) : 5) * 1_000_000_000L;
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      for (int round = 1; round <= 3; round++) {
        long[] latencies = new long[1_000_000];
        int n = 0;
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end && n < latencies.length) {
          long start = System.nanoTime();
          Future<Integer> result = thread.submit(() -> 1);
          result.get();
          latencies[n++] = System.nanoTime() - start;
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf("round %d: two hand-offs p50 %.1f us, p99 %.1f us (%d round trips)%n",
            round, sorted[n / 2] / 1e3, sorted[(int) (n * 0.99)] / 1e3, n);
      }
    } finally {
      thread.shutdownNow();
    }
  }
}
