package io.quantix.agent.benchmarks.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.Pong;
import io.quantix.agent.micrometer.AgentObservability;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the Micrometer instrumentation on a ping round trip to the testkit's fake agent over
 * a real Unix socket, side by side in one run: {@code off} (no metrics sink, the floor),
 * {@code meters} ({@link AgentObservability} with its own observation registry feeding a
 * {@link SimpleMeterRegistry}: the quantix.agent.call timer and long-task timer, in-flight gauge,
 * byte counters) and {@code meters-in-parent} (the same, each ping made inside a caller's
 * observation, so each call observation also looks up and links its parent). Target: the
 * instrumented ping within 10 % of {@code off}.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar InstrumentedPing -f 3 -wi 5 -w 2s -i 5 -r 2s
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class InstrumentedPingBenchmark {
  /** Which instrumentation the registry has. */
  @Param({"off", "meters", "meters-in-parent"})
  public String instrumentation;

  private Path dir;
  private FakeGuestAgent agent;
  private AgentRegistry registry;
  private AgentClient client;
  private ObservationRegistry observations;

  @Setup(Level.Trial)
  public void start() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("quantix-bench-obs");
    agent = FakeGuestAgent.builder().socketPath(dir.resolve("vm-bench.agent.sock")).recordLimit(0)
        .start();
    AgentRegistry.Builder builder = AgentRegistry.builder().resolver(EndpointResolver.explicit(
        Map.of("vm-bench", List.of(Endpoint.parse(agent.endpoint())))));
    AgentObservability observability = null;
    if (!instrumentation.equals("off")) {
      observability = AgentObservability.builder(new SimpleMeterRegistry()).build();
      observations = observability.observationRegistry();
      builder.metrics(observability);
    }
    registry = builder.build();
    if (observability != null) {
      observability.bindTo(registry);
    }
    client = registry.client("vm-bench");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (registry.status("vm-bench").state() != AgentState.CONNECTED) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("fake agent not connected: " + registry.status("vm-bench"));
      }
      Thread.sleep(10);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    registry.close();
    agent.close();
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  /** One ping round trip, caller blocked on it (as the side-by-side harness measures it). */
  @Benchmark
  public Pong ping() {
    if (instrumentation.equals("meters-in-parent")) {
      Observation parent = Observation.start("bench.request", observations);
      try (Observation.Scope scope = parent.openScope()) {
        return client.ping().join();
      } finally {
        parent.stop();
      }
    }
    return client.ping().join();
  }
}
