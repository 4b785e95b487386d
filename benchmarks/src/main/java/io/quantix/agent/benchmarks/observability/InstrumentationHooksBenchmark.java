package io.quantix.agent.benchmarks.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.micrometer.AgentObservability;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the instrumentation adds to one ping, without the I/O: the SDK's hooks exactly as a ping
 * calls them (call began, in flight twice, bytes out, bytes in, call ended), against
 * {@link AgentMetrics#NOOP}. The result divided by the ping round trip is the overhead share; unlike
 * the end-to-end {@link InstrumentedPingBenchmark} it barely moves with the machine's load.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar InstrumentationHooks -f 1 -wi 3 -i 5
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InstrumentationHooksBenchmark {
  /** Which sink receives the hooks. */
  @Param({"noop", "meters", "meters-in-parent"})
  public String sink;

  private AgentMetrics metrics;
  private ObservationRegistry observations;

  @Setup
  public void setUp() {
    if (sink.equals("noop")) {
      metrics = AgentMetrics.NOOP;
      observations = ObservationRegistry.NOOP;
    } else {
      AgentObservability o = AgentObservability.builder(new SimpleMeterRegistry()).build();
      metrics = o;
      observations = o.observationRegistry();
    }
  }

  /** The hooks of one successful ping. */
  @Benchmark
  public Object pingHooks() {
    if (sink.equals("meters-in-parent")) {
      Observation parent = Observation.start("bench.request", observations);
      try (Observation.Scope scope = parent.openScope()) {
        return onePing(metrics);
      } finally {
        parent.stop();
      }
    }
    return onePing(metrics);
  }

  /** The hooks of one successful ping, in the order the SDK calls them; returns the call context. */
  static Object onePing(AgentMetrics metrics) {
    Object context = metrics.callBegan("vm-bench", "ping");
    metrics.inFlight("vm-bench", 1);
    metrics.bytesOut("vm-bench", 24);
    metrics.bytesIn("vm-bench", 40);
    metrics.callEnded(context, "vm-bench", "ping", null, 40_000);
    metrics.inFlight("vm-bench", 0);
    return context;
  }
}
