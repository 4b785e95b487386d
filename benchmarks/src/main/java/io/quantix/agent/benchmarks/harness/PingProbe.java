package io.quantix.agent.benchmarks.harness;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.transport.Endpoint;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One SDK client against an agent socket that is already listening, for paired A/B runs of two
 * builds against the same peer (the side-by-side harness rotates many subjects, and its ping rows
 * spread by ±30 % between runs, more than the per-call changes it should show). Sequential pings
 * print p50, p99, CPU and bytes allocated per call of this JVM; with a depth, that many pings in
 * flight print calls/s and CPU per call. Warm-up: 4 s of sequential pings first.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.quantix.agent.benchmarks.harness.FakeAgentPeer \
 *     --socket /tmp/a.sock --sandbox /tmp/sandbox &
 * for jar in before.jar after.jar before.jar after.jar; do
 *   java -cp $jar io.quantix.agent.benchmarks.harness.PingProbe /tmp/a.sock 5
 * done
 * }</pre>
 */
public final class PingProbe {
  private PingProbe() {}

  /** Arguments: socket path, seconds measured, and optionally the number of pings in flight. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: PingProbe SOCKET SECONDS [IN_FLIGHT]");
      System.exit(2);
    }
    String socket = args[0];
    long nanos = Long.parseLong(args[1]) * 1_000_000_000L;
    int depth = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    try (AgentRegistry registry = AgentRegistry.builder().resolver(EndpointResolver.explicit(
        Map.of("vm", List.of(Endpoint.parse("unix:" + socket))))).build()) {
      AgentClient client = registry.client("vm");
      long warm = System.nanoTime() + 4_000_000_000L;
      while (System.nanoTime() < warm) {
        client.ping().join();
      }
      if (depth == 0) {
        sequential(client, nanos);
      } else {
        inFlight(client, depth, nanos);
      }
    }
  }

  private static void sequential(AgentClient client, long nanos) {
    long[] latencies = new long[5_000_000];
    int n = 0;
    long cpu = Cpu.self();
    long allocated = allocatedBytes();
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end && n < latencies.length) {
      long start = System.nanoTime();
      client.ping().join();
      latencies[n++] = System.nanoTime() - start;
    }
    long cpuPerCall = (Cpu.self() - cpu) / n;
    long bytesPerCall = (allocatedBytes() - allocated) / n;
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    System.out.printf("sequential: p50 %.1f us, p99 %.1f us, %d pings, CPU %.1f us and %d B"
        + " allocated per ping (this JVM)%n", sorted[n / 2] / 1e3, sorted[(int) (n * 0.99)] / 1e3,
        n, cpuPerCall / 1e3, bytesPerCall);
  }

  private static void inFlight(AgentClient client, int depth, long nanos)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    for (int i = 0; i < depth; i++) {
      chain(client, done, stop);
    }
    Thread.sleep(1000);
    long calls = done.get();
    long cpu = Cpu.self();
    long start = System.nanoTime();
    Thread.sleep(nanos / 1_000_000);
    long measured = done.get() - calls;
    long elapsed = System.nanoTime() - start;
    long cpuPerCall = (Cpu.self() - cpu) / measured;
    stop.set(true);
    System.out.printf("%d in flight: %.1f k calls/s, CPU %.2f us per call (this JVM)%n", depth,
        measured / (elapsed / 1e9) / 1e3, cpuPerCall / 1e3);
  }

  private static void chain(AgentClient client, AtomicLong done, AtomicBoolean stop) {
    if (!stop.get()) {
      client.ping().whenComplete((pong, failure) -> {
        done.incrementAndGet();
        chain(client, done, stop);
      });
    }
  }

  /** Bytes allocated so far by the live threads of this JVM (the SDK's threads live throughout). */
  private static long allocatedBytes() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, bytes);
    }
    return total;
  }
}
