package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.Exec;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileReadRequest;
import io.quantix.agent.proto.PingRequest;
import io.quantix.agent.qemu.support.Figures;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.NaiveClient;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hosts come and go on the chardev while the guest stays: the guest sees each close (its read()
 * returns 0) and each open, and replies the guest could not deliver to a host that left reach the
 * next one, cut anywhere. The next SDK session must skip them and work.
 */
@ExtendWith(QemuTier.class)
class HostReconnectIT {
  private static final int STALE_PINGS = 200;

  @Test
  void theGuestSeesEachHostLeaveAndTheNextSessionResyncsPastStaleReplies(Guest guest)
      throws Exception {
    int closedBefore = guest.vm().markerCount("QT host-closed");
    try (AgentRegistry registry = guest.registry().build()) {
      BrokenSdk.client(registry, guest).withTimeout(Duration.ofSeconds(10)).ping().join();
    }
    guest.vm().awaitMarkerCount("QT host-closed", closedBefore + 1, Duration.ofSeconds(30));

    // a host that asks and leaves without reading: 200 pongs and a 1 MiB read reply are left
    byte[] big = new byte[1024 * 1024];
    new Random(7).nextBytes(big);
    Files.write(guest.agent().sandbox().resolve("stale.bin"), big);
    long requestsBefore = guest.agent().requestCount();
    try (NaiveClient leaver = NaiveClient.connect(guest.agentSocket())) {
      for (int i = 0; i < STALE_PINGS; i++) {
        leaver.send(AgentMessage.newBuilder().setPing(PingRequest.newBuilder().setSequence(i)));
      }
      leaver.send(AgentMessage.newBuilder().setFileRead(FileReadRequest.newBuilder()
          .setPath("/stale.bin").setLength(big.length).setChunkSize(big.length)));
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> guest.agent().requestCount() >= requestsBefore + STALE_PINGS + 1);
    }
    guest.vm().awaitMarkerCount("QT host-closed", closedBefore + 2, Duration.ofSeconds(30));

    StaleCounter stale = new StaleCounter();
    try (AgentRegistry registry = guest.registry().metrics(stale).build()) {
      AgentClient client = BrokenSdk.client(registry, guest).withTimeout(Duration.ofSeconds(10));
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> registry.status(Guest.VM_ID).state() == AgentState.CONNECTED);
      for (int i = 0; i < 20; i++) {
        client.ping().join();
      }
      assertThat(client.exec(Exec.program("echo", "resynced")).join().stdout())
          .isEqualTo("resynced\n");
      assertThat(stale.skippedBytes.get() + stale.unknownReplies.get())
          .as("the new session met the old host's replies").isPositive();
      Figures.record("after a host left %d pongs and a 1 MiB reply unread, the next registry"
              + " skipped %d bytes, dropped %d frames while resyncing and %d unknown replies, in %d"
              + " session(s)", STALE_PINGS, stale.skippedBytes.get(), stale.droppedFrames.get(),
          stale.unknownReplies.get(), stale.sessions.get());
    }
    assertThat(guest.vm().markerCount("QT host-open")).isGreaterThanOrEqualTo(3);
  }

  /** Counts what the SDK reports skipping. */
  static final class StaleCounter implements AgentMetrics {
    final AtomicLong skippedBytes = new AtomicLong();
    final AtomicLong droppedFrames = new AtomicLong();
    final AtomicLong unknownReplies = new AtomicLong();
    final AtomicLong sessions = new AtomicLong();

    @Override
    public void sessionReady(String vmId) {
      sessions.incrementAndGet();
    }

    @Override
    public void resync(String vmId, long skipped, int dropped) {
      skippedBytes.addAndGet(skipped);
      droppedFrames.addAndGet(dropped);
    }

    @Override
    public void unknownReply(String vmId) {
      unknownReplies.incrementAndGet();
    }
  }
}
