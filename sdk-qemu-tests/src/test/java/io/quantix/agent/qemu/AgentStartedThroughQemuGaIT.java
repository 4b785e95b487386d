package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.qemu.support.Figures;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.qemu.support.RawQga;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The installer's last steps, on the guest side: a guest boots with qemu-ga but no agent; the
 * registry finds it silent; the agent (here the guest's relay to the fake agent) is started
 * through qemu-ga's guest-exec; the registry's reconnect loop then sees it ready on the Quantix
 * channel. The sdk-qemu-ga installer plugs into this guest at merge time (see the module README).
 */
@ExtendWith(QemuTier.class)
class AgentStartedThroughQemuGaIT {

  @Test
  void anAgentStartedThroughQemuGaBecomesReadyInTheRegistry() throws Exception {
    try (Guest guest = QemuTier.bootPrivateGuestWithoutAgent("late-agent");
        AgentRegistry registry = guest.registry().readyTimeout(Duration.ofSeconds(2)).build()) {
      Assumptions.assumeTrue(guest.hasQemuGa(), "qemu-ga is not installed on this machine"
          + " (install qemu-guest-agent), so the guest has none");
      registry.client(Guest.VM_ID);
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> registry.status(Guest.VM_ID).state() == AgentState.AGENT_SILENT);

      long start;
      try (RawQga qga = RawQga.connect(guest.vm().qgaSocket())) {
        qga.syncDelimited(18);
        start = System.nanoTime();
        String status = qga.execAndWait("/bin/qt-relay", List.of(), false,
            Duration.ofSeconds(30));
        assertThat(status.replace(" ", "")).contains("\"exitcode\":0");
      }
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
          .until(() -> registry.status(Guest.VM_ID).state() == AgentState.CONNECTED);
      long ready = System.nanoTime() - start;
      assertThat(registry.client(Guest.VM_ID).withTimeout(Duration.ofSeconds(10)).ping().join()
          .agentVersion()).isNotBlank();
      Figures.record("agent started through the guest's qemu-ga: registry CONNECTED %d ms after"
          + " guest-exec (reconnect backoff 100 ms..1 s)", ready / 1_000_000);
    }
  }
}
