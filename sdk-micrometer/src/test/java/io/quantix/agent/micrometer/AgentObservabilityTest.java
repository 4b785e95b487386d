package io.quantix.agent.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.Exec;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.registry.HealthReport;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The instrumentation over a real socket to the testkit's fake agent. */
@Timeout(120)
class AgentObservabilityTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private FakeGuestAgent agent;
  private AgentRegistry registry;

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  private AgentRegistry start(AgentObservability observability) {
    agent = FakeGuestAgent.builder().socketPath(dir.resolve("vm-1.agent.sock"))
        .telemetryInterval(Duration.ofMillis(200)).start();
    registry = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm-1", List.of(Endpoint.parse(agent.endpoint())),
            "vm-gone", List.of(Endpoint.unix(dir.resolve("vm-gone.agent.sock"))))))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .metrics(observability).build();
    observability.bindTo(registry);
    return registry;
  }

  @Test
  void aShortRunMakesEveryMeterWithBoundedTags() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AgentObservability observability = AgentObservability.builder(meters)
        .stateRefresh(Duration.ZERO).build();
    AgentClient vm = start(observability).client("vm-1");
    for (int i = 0; i < 20; i++) {
      vm.ping().join();
    }
    vm.exec(Exec.shell("echo hi")).join();
    CompletableFuture<?> gone = registry.client("vm-gone").ping();
    assertThatThrownBy(gone::join).hasCauseInstanceOf(AgentException.class);

    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(callCount(meters, "ping", "OK")).isEqualTo(20);
      assertThat(callCount(meters, "execute", "OK")).isEqualTo(1);
      assertThat(meters.get("quantix.agent.call").tag("operation", "ping")
          .tag("outcome", "UNAVAILABLE").timer().count()).isEqualTo(1);
      assertThat(meters.get("quantix.agent.calls.in.flight").gauge().value()).isZero();
    });
    assertThat(meters.get("quantix.agent.call").tag("transport", "unix").timers()).isNotEmpty();
    assertThat(meters.get("quantix.agent.bytes.sent").counter().count()).isPositive();
    assertThat(meters.get("quantix.agent.bytes.received").counter().count()).isPositive();
    assertThat(meters.get("quantix.agent.connect").timer().count()).isGreaterThanOrEqualTo(1);
    assertThat(meters.get("quantix.agent.ready").timer().count()).isGreaterThanOrEqualTo(1);
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(sessions(meters, AgentState.CONNECTED)).isEqualTo(1);
      assertThat(sessions(meters, AgentState.NO_CHANNEL)).isEqualTo(1);
      assertThat(meters.get("quantix.agent.reconnects").counter().count()).isPositive();
    });
    for (Meter m : meters.getMeters()) {
      assertThat(m.getId().getTag("vm")).as(m.getId().toString()).isNull();
    }
    System.out.println("meters after a short run against the fake agent:\n" + describe(meters));
  }

  @Test
  void callsQueuedWhileReconnectingAreAGauge() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    agent = FakeGuestAgent.builder().socketPath(dir.resolve("vm-1.agent.sock")).start();
    registry = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm-1", List.of(Endpoint.parse(agent.endpoint())))))
        .reconnectBackoff(Duration.ofSeconds(3), Duration.ofSeconds(3))
        .metrics(AgentObservability.builder(meters).build()).build();
    AgentClient vm = registry.client("vm-1");
    vm.ping().join();
    agent.dropConnections();
    await().atMost(PATIENCE).until(() -> registry.status("vm-1").state() == AgentState.DISCONNECTED);
    // While the link waits out its backoff, calls queue for the next session.
    List<CompletableFuture<?>> pings = List.of(vm.ping(), vm.ping(), vm.ping());
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(
        meters.get("quantix.agent.calls.queued").gauge().value()).isEqualTo(3));
    CompletableFuture.allOf(pings.toArray(new CompletableFuture<?>[0])).join();
    assertThat(meters.get("quantix.agent.calls.queued").gauge().value()).isZero();
    assertThat(meters.get("quantix.agent.reconnects").counter().count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void droppedFramesAreCountedByReason() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AgentClient vm = start(AgentObservability.builder(meters).build()).client("vm-1");
    vm.ping().join();
    agent.fault(PayloadCase.PING, Fault.duplicateReply());
    vm.ping().join();
    agent.fault(PayloadCase.PING, Fault.garbageBeforeReply(100));
    vm.ping().join();
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(meters.get("quantix.agent.frames.dropped").tag("reason", "unknown_reply")
          .counter().count()).isEqualTo(1);
      assertThat(meters.get("quantix.agent.bytes.skipped").counter().count()).isPositive();
    });
  }

  @Test
  void observationCarriesLowAndHighCardinalityKeys() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    AgentObservability observability = AgentObservability.builder(new SimpleMeterRegistry())
        .observationRegistry(observations).build();
    AgentClient vm = start(observability).client("vm-1");
    vm.ping().join();
    await().atMost(PATIENCE).untilAsserted(() -> TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo("quantix.agent.call").that()
        .hasContextualNameEqualTo("agent ping")
        .hasLowCardinalityKeyValue("operation", "ping")
        .hasLowCardinalityKeyValue("outcome", "OK")
        .hasLowCardinalityKeyValue("transport", "unix")
        .hasHighCardinalityKeyValue("vm", "vm-1")
        .doesNotHaveLowCardinalityKeyValueWithKey("vm")
        .hasBeenStarted().hasBeenStopped());
  }

  @Test
  void vmIdBecomesAMetricTagOnlyWhenOptedIn() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AgentObservability observability = AgentObservability.builder(meters)
        .vmIdAsMetricTag(true).build();
    start(observability).client("vm-1").ping().join();
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(meters.get("quantix.agent.call")
        .tag("vm", "vm-1").tag("operation", "ping").timer().count()).isEqualTo(1));
  }

  @Test
  void bindsOneRegistryOnly() {
    AgentObservability observability = AgentObservability.builder(new SimpleMeterRegistry()).build();
    assertThatThrownBy(observability::health).isInstanceOf(IllegalStateException.class);
    start(observability);
    assertThatThrownBy(() -> observability.bindTo(registry))
        .isInstanceOf(IllegalStateException.class);
    HealthReport health = observability.health();
    assertThat(health.total()).isZero();
  }

  @Test
  void gaugesDoNotKeepAnUnclosedRegistryReachable() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AgentObservability observability = AgentObservability.builder(meters)
        .stateRefresh(Duration.ZERO).build();
    java.lang.ref.WeakReference<AgentRegistry> forgotten = bindAndForget(observability);
    await().atMost(PATIENCE).until(() -> {
      System.gc();
      return forgotten.get() == null;
    });
    assertThat(observability.health().total()).isZero();
    assertThat(sessions(meters, AgentState.NO_CHANNEL)).isZero();
  }

  /** A registry bound and never closed (its leak reaper closes it once it is collected). */
  private java.lang.ref.WeakReference<AgentRegistry> bindAndForget(AgentObservability observability) {
    AgentRegistry unclosed = AgentRegistry.builder().resolver(EndpointResolver.directory(dir))
        .metrics(observability).build();
    observability.bindTo(unclosed);
    unclosed.client("vm-forgotten");
    assertThat(observability.health().total()).isEqualTo(1);
    return new java.lang.ref.WeakReference<>(unclosed);
  }

  @Test
  void schemeOfEndpoints() {
    assertThat(AgentObservability.scheme("unix:/run/vm.sock")).isEqualTo("unix");
    assertThat(AgentObservability.scheme("vsock://3:9443")).isEqualTo("vsock");
    assertThat(AgentObservability.scheme("hvsock:/run/vm.vsock?port=9443")).isEqualTo("hvsock");
    assertThat(AgentObservability.scheme("")).isEqualTo("unknown");
    assertThat(AgentObservability.scheme(null)).isEqualTo("unknown");
  }

  static long callCount(MeterRegistry meters, String operation, String outcome) {
    Timer t = meters.find("quantix.agent.call").tag("operation", operation).tag("outcome", outcome)
        .timer();
    return t == null ? 0 : t.count();
  }

  static double sessions(MeterRegistry meters, AgentState state) {
    return meters.get("quantix.agent.sessions").tag("state", state.name()).gauge().value();
  }

  static String describe(MeterRegistry meters) {
    return meters.getMeters().stream()
        .sorted(Comparator.comparing((Meter m) -> m.getId().getName())
            .thenComparing(m -> m.getId().getTags().toString()))
        .map(m -> "  " + m.getId().getName() + m.getId().getTags().stream()
            .map(t -> t.getKey() + "=" + t.getValue()).collect(Collectors.joining(",", "{", "}"))
            + " " + measurements(m))
        .collect(Collectors.joining("\n"));
  }

  private static String measurements(Meter m) {
    StringBuilder b = new StringBuilder();
    m.measure().forEach(x -> b.append(x.getStatistic().name().toLowerCase()).append('=')
        .append(String.format("%.4g", x.getValue())).append(' '));
    return b.toString().trim();
  }
}
