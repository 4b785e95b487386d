package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.qemu.support.Figures;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A guest whose agent never opens its port (org.quantix.silent.0): QEMU accepts the host at once
 * and keeps its bytes, nothing ever answers. The registry must call it AGENT_SILENT within its
 * documented bound (connect timeout + ready timeout), and calls must fail with that cause.
 */
@ExtendWith(QemuTier.class)
class SilentGuestIT {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  @Test
  void aPortNoAgentOpensIsAgentSilentWithinTheReadyTimeout(Guest guest) {
    Endpoint silent = Endpoint.parse("unix:" + guest.vm().silentSocket());
    try (AgentRegistry registry = Guest.registryFor(silent)
        .connectTimeout(CONNECT_TIMEOUT).readyTimeout(READY_TIMEOUT).build()) {
      long start = System.nanoTime();
      registry.client(Guest.VM_ID);
      Duration bound = CONNECT_TIMEOUT.plus(READY_TIMEOUT);
      Awaitility.await().atMost(bound.plusSeconds(5)).pollInterval(Duration.ofMillis(10))
          .until(() -> registry.status(Guest.VM_ID).state() == AgentState.AGENT_SILENT);
      long silentAfter = System.nanoTime() - start;

      AgentException failure = QemuKilledIT.cause(registry.client(Guest.VM_ID)
          .withTimeout(Duration.ofSeconds(30)).ping());
      assertThat(failure.code()).as("%s", failure).isEqualTo(AgentException.Code.UNAVAILABLE);
      assertThat(failure.connectFailure()).isEqualTo(ConnectFailure.AGENT_SILENT);
      Figures.record("silent guest port: AGENT_SILENT after %d ms (ready timeout %d ms)",
          silentAfter / 1_000_000, READY_TIMEOUT.toMillis());
    }
  }
}
