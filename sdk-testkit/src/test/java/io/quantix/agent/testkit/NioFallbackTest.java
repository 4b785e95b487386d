package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage.PayloadCase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ResourceLeakCheck.class)
class NioFallbackTest {

  @Test
  void theNioDomainSocketTransportBehavesTheSame() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().nativeTransport(false).telemetryInterval(Duration.ZERO).build().start()) {
      assertThat(agent.nativeTransport()).isFalse();
      HostConnection first = HostConnection.open(agent);
      assertThat(first.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      assertThat(first.call(HostConnection.ping(3)).getPong().getSequence()).isEqualTo(3);
      try (HostConnection second = HostConnection.open(agent)) {
        assertThat(second.silentFor(Duration.ofMillis(300))).isTrue();
        first.close();
        assertThat(second.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      }
    }
  }

  @Test
  void epollIsUsedWhenAvailable() {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).build().start()) {
      assertThat(agent.nativeTransport()).isEqualTo(io.netty.channel.epoll.Epoll.isAvailable()).isTrue();
    }
  }
}
