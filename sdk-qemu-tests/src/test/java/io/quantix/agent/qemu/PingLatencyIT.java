package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.qemu.support.Figures;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.NaiveClient;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sequential ping round trips through the guest's relay, SDK and naive blocking client side by
 * side on the same guest and path; the guest's boot time too. Figures only, no thresholds.
 */
@ExtendWith(QemuTier.class)
class PingLatencyIT {
  private static final int WARMUP = 100;
  private static final int SAMPLES = 1000;

  @Test
  void reportsBootTimeAndPingLatencyOfSdkAndNaiveClient(Guest guest) throws Exception {
    Figures.record("guest boot (QEMU start to relay up, TCG): %d ms", guest.bootTime().toMillis());

    long[] sdk = new long[SAMPLES];
    try (AgentRegistry registry = guest.registry().build()) {
      long connectStart = System.nanoTime();
      AgentClient client = BrokenSdk.client(registry, guest).withTimeout(Duration.ofSeconds(10));
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
          .until(() -> registry.status(Guest.VM_ID).state() == AgentState.CONNECTED);
      Figures.record("SDK connect to CONNECTED through the guest: %d ms",
          (System.nanoTime() - connectStart) / 1_000_000);
      for (int i = 0; i < WARMUP; i++) {
        client.ping().join();
      }
      for (int i = 0; i < SAMPLES; i++) {
        long start = System.nanoTime();
        client.ping().join();
        sdk[i] = System.nanoTime() - start;
      }
    }

    long[] naive = new long[SAMPLES];
    try (NaiveClient peer = NaiveClient.connect(guest.agentSocket())) {
      for (int i = 0; i < WARMUP; i++) {
        peer.ping();
      }
      for (int i = 0; i < SAMPLES; i++) {
        long start = System.nanoTime();
        peer.ping();
        naive[i] = System.nanoTime() - start;
      }
    }
    Figures.record("ping through the guest, %d sequential: SDK p50 %.3f ms p99 %.3f ms; naive"
            + " blocking client p50 %.3f ms p99 %.3f ms", SAMPLES,
        Figures.percentileMillis(sdk, 50), Figures.percentileMillis(sdk, 99),
        Figures.percentileMillis(naive, 50), Figures.percentileMillis(naive, 99));
    assertThat(Figures.percentileMillis(sdk, 50)).isPositive();
  }
}
