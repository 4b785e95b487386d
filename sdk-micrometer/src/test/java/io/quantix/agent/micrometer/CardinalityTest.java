package io.quantix.agent.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.registry.HealthReport;
import io.quantix.agent.testkit.FakeGuestAgentFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 VMs, each connected and pinged: the number of series must not depend on the number of VMs.
 * The count is exact so that any new per-VM tag fails here.
 */
@Timeout(300)
class CardinalityTest {
  static final int VMS = 1_000;
  /**
   * 7 sessions-by-state gauges, in flight, queued; bytes sent, received, skipped, frames dropped
   * (2 reasons), events dropped, reconnects; connect and ready timers; the ping timer
   * (operation=ping, outcome=OK, transport=unix).
   */
  static final int EXPECTED_SERIES = 7 + 2 + 7 + 2 + 1;

  @TempDir Path dir;

  @Test
  void seriesCountDoesNotGrowWithVms() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AgentObservability observability = AgentObservability.builder(meters)
        .stateRefresh(Duration.ofMillis(100)).build();
    try (FakeGuestAgentFleet fleet = FakeGuestAgentFleet.builder().directory(dir).vmCount(VMS)
            .seed(21).start();
         AgentRegistry registry = AgentRegistry.builder()
             .resolver(EndpointResolver.directory(dir))
             .readyTimeout(Duration.ofSeconds(60))
             .metrics(observability).build()) {
      observability.bindTo(registry);
      List<String> ids = registry.discover(dir);
      assertThat(ids).hasSize(VMS);
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> observability.health().connected() == VMS);

      List<CompletableFuture<?>> pings = new ArrayList<>(VMS);
      for (String id : ids) {
        AgentClient vm = registry.client(id);
        pings.add(vm.ping());
      }
      CompletableFuture.allOf(pings.toArray(new CompletableFuture<?>[0])).join();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
          AgentObservabilityTest.callCount(meters, "ping", "OK")).isEqualTo(VMS));

      List<Meter> ours = meters.getMeters().stream()
          .filter(m -> m.getId().getName().startsWith("quantix.agent")).toList();
      System.out.printf("cardinality: %d VMs connected and pinged -> %d series%n", VMS, ours.size());
      assertThat(ours).allSatisfy(m -> assertThat(m.getId().getTag("vm")).isNull());
      assertThat(ours).hasSize(EXPECTED_SERIES);
      HealthReport health = registry.health();
      assertThat(health.count(AgentState.CONNECTED)).isEqualTo(VMS);
      assertThat(AgentObservabilityTest.sessions(meters, AgentState.CONNECTED)).isEqualTo(VMS);
      assertThat(meters.get("quantix.agent.connect").timer().count()).isEqualTo(VMS);
    }
  }
}
