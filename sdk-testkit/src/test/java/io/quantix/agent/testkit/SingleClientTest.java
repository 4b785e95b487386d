package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ResourceLeakCheck.class)
class SingleClientTest {

  @Test
  void aSecondHostConnectsButGetsNothingUntilTheFirstLeaves() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ofMillis(100))
        .telemetryWhileDisconnected(false).build().start()) {
      HostConnection first = HostConnection.open(agent);
      assertThat(first.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      try (HostConnection second = HostConnection.open(agent)) {
        assertThat(second.silentFor(Duration.ofMillis(500))).as("connected, but left in the backlog").isTrue();
        assertThat(first.next().getPayloadCase()).as("the first host is still served").isEqualTo(PayloadCase.TELEMETRY);
        assertThat(agent.counters().connectionsAccepted()).isEqualTo(1);
        first.close();
        assertThat(second.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
        assertThat(second.next().getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
        assertThat(agent.counters().connectionsAccepted()).isEqualTo(2);
      }
    }
  }

  @Test
  void theWaitingHostIsServedWithItsEarlyRequestOnceTheFirstCloses() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).build().start()) {
      HostConnection first = HostConnection.open(agent);
      first.next();
      try (HostConnection second = HostConnection.open(agent)) {
        AgentMessage ping = HostConnection.ping(5);
        second.send(ping);
        assertThat(second.silentFor(Duration.ofMillis(300))).isTrue();
        first.close();
        assertThat(second.next().getPayloadCase()).as("AgentReady comes first").isEqualTo(PayloadCase.AGENT_READY);
        AgentMessage pong = second.next();
        assertThat(pong.getMessageId()).isEqualTo(ping.getMessageId());
        assertThat(agent.counters().connectionsAccepted()).isEqualTo(2);
      }
    }
  }

  @Test
  void multiClientModeServesEveryConnection() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).singleClient(false).build().start();
        HostConnection a = HostConnection.open(agent);
        HostConnection b = HostConnection.open(agent)) {
      assertThat(a.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      assertThat(b.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      AgentMessage ping = HostConnection.ping(1);
      assertThat(b.call(ping).getPong().getSequence()).isEqualTo(1);
      assertThat(agent.openConnections()).isEqualTo(2);
      agent.sendEvent(AgentMessage.newBuilder().setError(io.quantix.agent.proto.ErrorEvent.newBuilder()).build());
      assertThat(a.next().getPayloadCase()).isEqualTo(PayloadCase.ERROR);
      assertThat(b.next().getPayloadCase()).isEqualTo(PayloadCase.ERROR);
    }
  }
}
