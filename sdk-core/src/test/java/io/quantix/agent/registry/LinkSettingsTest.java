package io.quantix.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkSettingsTest {
  @Test
  void defaultsAreTheConstants() {
    LinkSettings s = LinkSettings.ofDefaults();
    assertThat(s.maxInFlight()).isEqualTo(LinkSettings.DEFAULT_MAX_IN_FLIGHT);
    assertThat(s.connectTimeout()).isEqualTo(LinkSettings.DEFAULT_CONNECT_TIMEOUT);
    assertThat(s.reconnectMax()).isEqualTo(LinkSettings.DEFAULT_RECONNECT_MAX);
    assertThat(s.circuitBreaker()).isSameAs(LinkSettings.DEFAULT_CIRCUIT_BREAKER);
    assertThat(AgentRegistry.Builder.DEFAULT_CONNECT_TIMEOUT)
        .isEqualTo(LinkSettings.DEFAULT_CONNECT_TIMEOUT);
  }

  @Test
  void customChangesOnlyWhatItSetsAndFromCopies() {
    LinkSettings s = LinkSettings.custom().connectTimeout(Duration.ofSeconds(2))
        .keepAlive(Duration.ofSeconds(3), 4).build();
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.keepAliveIdle()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.keepAliveMisses()).isEqualTo(4);
    assertThat(s.readyTimeout()).isEqualTo(LinkSettings.DEFAULT_READY_TIMEOUT);

    LinkSettings t = LinkSettings.from(s).maxAttempts(1).build();
    assertThat(t.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(t.maxAttempts()).isEqualTo(1);
    assertThat(s.maxAttempts()).isEqualTo(LinkSettings.DEFAULT_MAX_ATTEMPTS);
  }

  @Test
  void badValuesFailFastWithTheirName() {
    assertThatThrownBy(() -> LinkSettings.custom().maxInFlight(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> LinkSettings.custom().connectTimeout(Duration.ZERO))
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> LinkSettings.custom().reconnectBackoff(Duration.ofSeconds(2),
        Duration.ofSeconds(1))).hasMessageContaining("reconnect max");
    assertThatThrownBy(() -> LinkSettings.custom().circuitBreaker(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void theRegistryBuilderTakesSettingsAndItsShortcutsWriteIntoThem() {
    AgentRegistry.Builder b = AgentRegistry.builder()
        .settings(LinkSettings.custom().maxWaiting(7).build()).readyTimeout(Duration.ofSeconds(9));
    assertThat(b.settings().maxWaiting()).isEqualTo(7);
    assertThat(b.settings().readyTimeout()).isEqualTo(Duration.ofSeconds(9));
  }
}
