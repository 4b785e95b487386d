package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.qemu.support.Figures;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.transport.TransportOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU's chardev serves one host at a time: a second connect() succeeds into the listen backlog
 * and nothing answers it. A second SDK user must get a classified failure, never a hang, and the
 * first must not notice; once the first leaves, QEMU serves the second.
 */
@ExtendWith(QemuTier.class)
class SingleClientIT {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(3);

  @Test
  void aSecondHostIsAgentSilentAndServedOnceTheFirstLeaves(Guest guest) {
    AgentRegistry first = guest.registry().build();
    try (AgentRegistry second = guest.registry().readyTimeout(READY_TIMEOUT).build()) {
      AgentClient holder = first.client(Guest.VM_ID).withTimeout(Duration.ofSeconds(10));
      holder.ping().join();

      long start = System.nanoTime();
      AgentClient other = second.client(Guest.VM_ID).withTimeout(Duration.ofSeconds(30));
      AgentException failure = QemuKilledIT.cause(other.ping());
      long classifiedAfter = System.nanoTime() - start;
      assertThat(failure.code()).as("%s", failure).isEqualTo(AgentException.Code.UNAVAILABLE);
      assertThat(failure.connectFailure()).isEqualTo(ConnectFailure.AGENT_SILENT);
      assertThat(second.status(Guest.VM_ID).state()).isEqualTo(AgentState.AGENT_SILENT);
      // the holder never noticed
      holder.ping().join();
      assertThat(first.status(Guest.VM_ID).state()).isEqualTo(AgentState.CONNECTED);

      first.close();
      long released = System.nanoTime();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
          .until(() -> second.status(Guest.VM_ID).state() == AgentState.CONNECTED);
      long servedAfter = System.nanoTime() - released;
      other.ping().join();
      Figures.record("second host on the chardev: AGENT_SILENT after %d ms (ready timeout %d ms);"
              + " CONNECTED %d ms after the first left", classifiedAfter / 1_000_000,
          READY_TIMEOUT.toMillis(), servedAfter / 1_000_000);
    } finally {
      first.close();
    }
  }

  @Test
  void withLockFilesASecondHostIsToldChannelBusyAtOnce(Guest guest, @TempDir Path locks) {
    TransportOptions locking = TransportOptions.builder().lockDirectory(locks).build();
    try (AgentRegistry first = guest.registry().transportOptions(locking).build();
        AgentRegistry second = guest.registry().transportOptions(locking)
            .readyTimeout(READY_TIMEOUT).build()) {
      first.client(Guest.VM_ID).withTimeout(Duration.ofSeconds(10)).ping().join();

      AgentException failure = QemuKilledIT.cause(second.client(Guest.VM_ID)
          .withTimeout(Duration.ofSeconds(30)).ping());
      assertThat(failure.code()).as("%s", failure).isEqualTo(AgentException.Code.UNAVAILABLE);
      assertThat(failure.connectFailure()).isEqualTo(ConnectFailure.CHANNEL_BUSY);
      first.client(Guest.VM_ID).ping().join();
    }
  }
}
