package io.quantix.agent.benchmarks.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.micrometer.AgentObservability;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The instrumentation's overhead on a ping, measured so that a shared, loaded machine does not
 * drown it: the same JVM alternates rounds without and with {@link AgentObservability} (one fake
 * agent, one registry per round), and per round records the ping round trip's median and the
 * process CPU time per ping (client, event loops, callback threads and the in-process fake agent
 * together). CPU time counts only cycles this process ran, so other processes' load inflates it far
 * less than wall time. Prints a Markdown table with the ratios.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar \
 *     io.quantix.agent.benchmarks.observability.InstrumentationCost [rounds] [pings]
 * }</pre>
 */
public final class InstrumentationCost {
  private InstrumentationCost() {}

  /** One round's figures. */
  record Round(String mode, double p50Micros, double cpuMicrosPerPing) {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("hooks")) {
      hooks();
      return;
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int pings = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    Path dir = Files.createTempDirectory("quantix-obs-cost");
    List<Round> off = new ArrayList<>();
    List<Round> on = new ArrayList<>();
    try (FakeGuestAgent agent = FakeGuestAgent.builder().socketPath(dir.resolve("vm.agent.sock"))
        .recordLimit(0).start()) {
      for (int r = 0; r < rounds; r++) {
        off.add(round(agent, false, pings));
        on.add(round(agent, true, pings));
        System.err.printf(Locale.ROOT, "round %d: %s | %s%n", r + 1, off.get(r), on.get(r));
      }
    } finally {
      Files.deleteIfExists(dir.resolve("vm.agent.sock"));
      Files.deleteIfExists(dir);
    }
    double[] p50Ratio = new double[rounds];
    double[] cpuRatio = new double[rounds];
    StringBuilder table = new StringBuilder();
    table.append("| round | p50 off, µs | p50 instrumented, µs | ratio | CPU/ping off, µs"
        + " | CPU/ping instrumented, µs | ratio |\n|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int r = 0; r < rounds; r++) {
      p50Ratio[r] = on.get(r).p50Micros() / off.get(r).p50Micros();
      cpuRatio[r] = on.get(r).cpuMicrosPerPing() / off.get(r).cpuMicrosPerPing();
      table.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.3f | %.1f | %.1f | %.3f |%n",
          r + 1, off.get(r).p50Micros(), on.get(r).p50Micros(), p50Ratio[r],
          off.get(r).cpuMicrosPerPing(), on.get(r).cpuMicrosPerPing(), cpuRatio[r]));
    }
    table.append(String.format(Locale.ROOT,
        "| **median** | | | **%.3f** | | | **%.3f** |%n", median(p50Ratio), median(cpuRatio)));
    System.out.print(table);
  }

  private static Round round(FakeGuestAgent agent, boolean instrumented, int pings)
      throws InterruptedException {
    AgentRegistry.Builder builder = AgentRegistry.builder().resolver(EndpointResolver.explicit(
        Map.of("vm", List.of(Endpoint.parse(agent.endpoint())))));
    AgentObservability observability = null;
    if (instrumented) {
      observability = AgentObservability.builder(new SimpleMeterRegistry()).build();
      builder.metrics(observability);
    }
    try (AgentRegistry registry = builder.build()) {
      if (observability != null) {
        observability.bindTo(registry);
      }
      AgentClient client = registry.client("vm");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (registry.status("vm").state() != AgentState.CONNECTED) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not connected: " + registry.status("vm"));
        }
        Thread.sleep(10);
      }
      for (int i = 0; i < pings / 2; i++) {
        client.ping().join();
      }
      long[] micros = new long[pings];
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      for (int i = 0; i < pings; i++) {
        long t0 = System.nanoTime();
        client.ping().join();
        micros[i] = System.nanoTime() - t0;
      }
      long cpu = os.getProcessCpuTime() - cpu0;
      Arrays.sort(micros);
      return new Round(instrumented ? "instrumented" : "off", micros[pings / 2] / 1_000.0,
          cpu / 1_000.0 / pings);
    }
  }

  /**
   * The hooks of one ping, CPU time of this thread per call (noop sink, then the instrumentation),
   * over 5 rounds of 1,000,000 calls after a warm-up.
   */
  private static void hooks() {
    io.quantix.agent.client.AgentMetrics noop = io.quantix.agent.client.AgentMetrics.NOOP;
    io.quantix.agent.client.AgentMetrics meters =
        AgentObservability.builder(new SimpleMeterRegistry()).build();
    // As Spring Boot wires it: the application's registry, whose meter handler keeps long-task timers.
    SimpleMeterRegistry bootMeters = new SimpleMeterRegistry();
    io.micrometer.observation.ObservationRegistry boot =
        io.micrometer.observation.ObservationRegistry.create();
    boot.observationConfig().observationHandler(
        new io.micrometer.core.instrument.observation.DefaultMeterObservationHandler(bootMeters));
    io.quantix.agent.client.AgentMetrics bootStyle = AgentObservability.builder(bootMeters)
        .observationRegistry(boot).build();
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int r = 0; r < 7; r++) {
      long a = threads.getCurrentThreadCpuTime();
      long sinkA = pingHooks(noop, 1_000_000);
      long b = threads.getCurrentThreadCpuTime();
      long sinkB = pingHooks(meters, 1_000_000);
      long c = threads.getCurrentThreadCpuTime();
      long sinkC = pingHooks(bootStyle, 1_000_000);
      long d = threads.getCurrentThreadCpuTime();
      if (r >= 2) {
        System.out.printf(Locale.ROOT, "hooks round %d: noop %.1f ns, instrumented %.1f ns,"
            + " with long-task timer (Boot's handler) %.1f ns CPU per ping (%d)%n", r - 1,
            (b - a) / 1e6, (c - b) / 1e6, (d - c) / 1e6, sinkA + sinkB + sinkC);
      }
    }
  }

  private static long pingHooks(io.quantix.agent.client.AgentMetrics metrics, int n) {
    long sink = 0;
    for (int i = 0; i < n; i++) {
      sink += InstrumentationHooksBenchmark.onePing(metrics) == null ? 0 : 1;
    }
    return sink;
  }

  private static double median(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }
}
