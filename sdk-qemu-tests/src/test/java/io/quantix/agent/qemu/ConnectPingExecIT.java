package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.Pong;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SDK through the guest's virtio-serial relay: connect, ping, exec. */
@ExtendWith(QemuTier.class)
class ConnectPingExecIT {

  @Test
  void connectsAndPingsThroughTheGuest(Guest guest) {
    try (AgentRegistry registry = guest.registry().build()) {
      AgentClient client = BrokenSdk.client(registry, guest);
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> registry.status(Guest.VM_ID).state() == AgentState.CONNECTED);

      for (int i = 0; i < 20; i++) {
        Pong pong = client.withTimeout(Duration.ofSeconds(10)).ping().join();
        assertThat(pong.agentVersion()).isNotBlank();
      }
      assertThat(registry.status(Guest.VM_ID).channelPath()).contains(guest.agentSocket());
      // the bytes went through the guest: its relay saw this host open the port
      assertThat(guest.vm().markerCount("QT host-open")).isPositive();
    }
  }

  @Test
  void execRunsTheAgentsBuiltInCommands(Guest guest) {
    try (AgentRegistry registry = guest.registry().build()) {
      AgentClient client = BrokenSdk.client(registry, guest).withTimeout(Duration.ofSeconds(30));

      ExecResult echo = client.exec(Exec.program("echo", "through", "virtio-serial")).join();
      assertThat(echo.exitCode()).isZero();
      assertThat(echo.stdout()).isEqualTo("through virtio-serial\n");

      assertThat(client.exec(Exec.program("true")).join().exitCode()).isZero();
      assertThat(client.exec(Exec.program("false")).join().exitCode()).isEqualTo(1);
      assertThat(client.exec(Exec.program("uname")).join().stdout()).isNotBlank();
    }
  }
}
