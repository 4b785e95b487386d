package io.quantix.agent.benchmarks.policy;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.CallGuard;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.policy.AgentPolicy;
import io.quantix.agent.policy.OperationClass;
import io.quantix.agent.policy.PolicyGuard;
import io.quantix.agent.policy.RateLimit;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
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
 * What a host-side policy costs on the ping round trip (a real Unix socket to the testkit's fake
 * agent), side by side in one run: {@code none} (no guard installed: the floor), {@code allowAll}
 * ({@link AgentPolicy#ALLOW_ALL} through a {@link PolicyGuard}) and {@code rules20} (a 20-rule
 * policy whose ping path checks the operation lists and takes two Resilience4j rate-limiter
 * permits). {@code checkPing} and {@code checkExec} time the guard's verdict alone, without I/O,
 * to show the part of the round trip that is the policy's.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar PolicyOverhead -f 1 -wi 3 -w 2s -i 5 -r 2s
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyOverheadBenchmark {
  /** No guard, an allow-all policy, or 20 rules. */
  @Param({"none", "allowAll", "rules20"})
  public String policy;

  private FakeGuestAgent agent;
  private AgentRegistry registry;
  private AgentClient client;
  private CallGuard guard;
  private GuardedCall pingCall;
  private GuardedCall execCall;

  /** The 20-rule policy: lists, limits high enough never to deny a benchmark call. */
  static AgentPolicy twentyRules() {
    AgentPolicy p = AgentPolicy.builder()
        .denyOperations(GuestOperation.HALT, GuestOperation.POWER_OFF)
        .blockCommands("rm", "dd", "mkfs", "shutdown", "reboot", "halt", "wipefs", "chmod")
        .readPaths("/var/log", "/tmp").writePaths("/tmp", "/opt/app").deletePaths("/tmp")
        .listPaths("/")
        .maxTransferBytes(10L << 20)
        .maxExecTimeout(Duration.ofSeconds(60))
        .rateLimit(OperationClass.ALL, new RateLimit(1_000_000_000, Duration.ofSeconds(1)))
        .rateLimit(OperationClass.INFO, new RateLimit(1_000_000_000, Duration.ofSeconds(1)))
        .build();
    if (p.ruleCount() != 20) {
      throw new IllegalStateException("expected 20 rules, got " + p.ruleCount());
    }
    return p;
  }

  @Setup(Level.Trial)
  public void setUp() {
    agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).localShell(false).start();
    AgentRegistry.Builder b = AgentRegistry.builder().resolver(EndpointResolver.explicit(
        Map.of("vm-bench", List.of(Endpoint.parse(agent.endpoint())))));
    switch (policy) {
      case "allowAll":
        guard = PolicyGuard.of(AgentPolicy.ALLOW_ALL);
        break;
      case "rules20":
        guard = PolicyGuard.of(twentyRules());
        break;
      default:
        guard = CallGuard.ALLOW_ALL;
        break;
    }
    if (!policy.equals("none")) {
      b.callGuard(guard);
    }
    registry = b.build();
    client = registry.client("vm-bench");
    client.ping().join();
    pingCall = GuardedCall.builder("vm-bench", GuestOperation.PING).build();
    execCall = GuardedCall.builder("vm-bench", GuestOperation.EXEC)
        .command("df -h /tmp | tail -1", List.of()).timeout(Duration.ofSeconds(10)).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    registry.close();
    agent.close();
  }

  /** One ping round trip through the registry, with or without the guard. */
  @Benchmark
  public Object pingRoundTrip() {
    return client.ping().join();
  }

  /** The guard's verdict on a ping, no I/O. */
  @Benchmark
  public Object checkPing() {
    return guard.check(pingCall);
  }

  /** The guard's verdict on a shell exec (the command scan), no I/O. */
  @Benchmark
  public Object checkExec() {
    return guard.check(execCall);
  }
}
