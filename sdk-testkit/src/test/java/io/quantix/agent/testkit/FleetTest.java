package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ResourceLeakCheck.class)
class FleetTest {

  @Test
  void twoHundredAgentsOnTwoEventLoopsAnswerAtOnce(@TempDir Path dir) throws Exception {
    Set<String> threadsBefore = ResourceLeakCheck.threads();
    try (FakeGuestAgentFleet fleet = FakeGuestAgentFleet.builder().directory(dir).vmCount(200)
        .eventLoopThreads(2).workerThreads(2).seed(1)
        .agents(agent -> agent.telemetryInterval(Duration.ofSeconds(5)).hostname("fleet-vm"))
        .start()) {
      assertThat(fleet.size()).isEqualTo(200);
      assertThat(fleet.vmIds()).startsWith("vm-00001", "vm-00002").endsWith("vm-00200");
      assertThat(dir.resolve("vm-00042.agent.sock")).exists();
      assertThat(fleet.agent("vm-00042").socketPath()).isEqualTo(dir.resolve("vm-00042.agent.sock").toAbsolutePath());
      assertThat(fleet.agent("vm-00042").endpoint()).isEqualTo("unix:" + dir.toAbsolutePath().resolve("vm-00042.agent.sock"));

      List<HostConnection> hosts = new ArrayList<>();
      try {
        for (String id : fleet.vmIds()) {
          hosts.add(HostConnection.open(fleet.agent(id).socketPath()));
        }
        List<AgentMessage> pings = new ArrayList<>();
        for (HostConnection host : hosts) {
          AgentMessage ping = HostConnection.ping(hosts.indexOf(host));
          pings.add(ping);
          host.send(ping);
        }
        for (int i = 0; i < hosts.size(); i++) {
          HostConnection host = hosts.get(i);
          AgentMessage ready = host.next();
          assertThat(ready.getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
          assertThat(ready.getAgentReady().getHostname()).isEqualTo("fleet-vm");
          assertThat(host.nextNonTelemetry().getMessageId()).isEqualTo(pings.get(i).getMessageId());
        }
        Set<String> fleetThreads = ResourceLeakCheck.threads();
        fleetThreads.removeAll(threadsBefore);
        assertThat(fleetThreads.stream().filter(t -> t.startsWith("fake-fleet-io"))).hasSizeLessThanOrEqualTo(2);
        assertThat(fleetThreads.stream().filter(t -> t.startsWith("fake-fleet-worker"))).hasSizeLessThanOrEqualTo(2);
        assertThat(fleet.counters().connectionsAccepted()).isEqualTo(200);
        assertThat(fleet.counters().framesReceived()).isEqualTo(200);
        assertThat(fleet.agent("vm-00007").takeRequest(Duration.ofMillis(10))).as("fleets record nothing by default").isNull();
      } finally {
        for (HostConnection host : hosts) {
          host.close();
        }
      }
    }
    try (var sockets = Files.list(dir)) {
      assertThat(sockets.count()).as("socket files removed on close").isZero();
    }
  }

  @Test
  void explicitIdsAndAFailedBindCleanUp(@TempDir Path dir) throws Exception {
    try (FakeGuestAgentFleet fleet = FakeGuestAgentFleet.builder().directory(dir).vmIds(List.of("web", "db"))
        .agents(agent -> agent.telemetryInterval(Duration.ZERO).recordLimit(10)).start();
        HostConnection host = HostConnection.open(dir.resolve("db.agent.sock"))) {
      host.next();
      host.call(HostConnection.ping(1));
      assertThat(fleet.agent("db").takeRequest(Duration.ofSeconds(1))).isNotNull();
      assertThat(fleet.agent("web").counters().connectionsAccepted()).isZero();
    }
    Files.writeString(dir.resolve("x.agent.sock"), "a regular file is not replaced");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FakeGuestAgentFleet.builder().directory(dir)
        .vmIds(List.of("ok", "x")).start()).isInstanceOf(java.io.UncheckedIOException.class);
    assertThat(dir.resolve("ok.agent.sock")).doesNotExist();
  }
}
