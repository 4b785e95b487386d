package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.TelemetryReport;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ResourceLeakCheck.class)
class SessionStartTest {
  static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  @Test
  void agentReadyFirstThenTelemetryAtOnceAndPeriodically() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ofMillis(200))
            .hostname("web-1").ipAddresses("10.0.0.7").build().start();
        HostConnection host = HostConnection.open(agent)) {
      AgentMessage first = host.next();
      assertThat(first.getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      assertThat(first.getMessageId()).matches(UUID);
      assertThat(first.hasTimestamp()).isTrue();
      AgentReadyEvent ready = first.getAgentReady();
      assertThat(ready.getVersion()).isEqualTo("0.1.27");
      assertThat(ready.getHostname()).isEqualTo("web-1");
      assertThat(ready.getIpAddressesList()).containsExactly("10.0.0.7");
      assertThat(ready.getCapabilitiesList()).hasSize(25).startsWith("telemetry", "execute")
          .endsWith("self_update", "user_context_exec");

      AgentMessage t1 = host.next();
      AgentMessage t2 = host.next();
      AgentMessage t3 = host.next();
      assertThat(t1.getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
      assertThat(t2.getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
      assertThat(t3.getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
      assertThat(t1.getMessageId()).matches(UUID).isNotEqualTo(t2.getMessageId());
      TelemetryReport a = t1.getTelemetry();
      TelemetryReport b = t3.getTelemetry();
      assertThat(a.getHostname()).isEqualTo("web-1");
      assertThat(a.getMemoryTotalBytes()).isEqualTo(4L << 30);
      assertThat(a.getMemoryUsedBytes()).isBetween(512L << 20, 3L << 30);
      assertThat(a.getDisksList()).extracting(d -> d.getMountPoint()).containsExactly("/", "/boot");
      assertThat(a.getInterfaces(0).getIpv4AddressesCount()).isZero();
      assertThat(b.getMemoryUsedBytes()).isNotEqualTo(a.getMemoryUsedBytes());
      assertThat(b.getInterfaces(0).getRxBytes()).isGreaterThan(a.getInterfaces(0).getRxBytes());
      assertThat(b.getUptimeSeconds()).isGreaterThanOrEqualTo(a.getUptimeSeconds()).isGreaterThan(3600);
    }
  }

  @Test
  void telemetryCanBeTurnedOff() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).build().start();
        HostConnection host = HostConnection.open(agent)) {
      assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      assertThat(host.silentFor(Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void everyConnectionStartsWithAgentReady() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).build().start()) {
      for (int i = 0; i < 3; i++) {
        try (HostConnection host = HostConnection.open(agent)) {
          assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
        }
        assertThat(agent.awaitNoConnections(Duration.ofSeconds(5))).isTrue();
      }
      assertThat(agent.counters().connectionsAccepted()).isEqualTo(3);
      assertThat(agent.endpoint()).isEqualTo("unix:" + agent.socketPath());
      assertThat(agent.socketPath()).isAbsolute();
    }
  }
}
