package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.qemu.support.Figures;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.testkit.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * QEMU dies (SIGKILL) with calls in flight: every pending future fails fast and classified, long
 * before its deadline; the registry reports the VM down and reconnects by itself once a new QEMU
 * serves the same chardev socket. Uses a guest of its own, since it kills it.
 */
@ExtendWith(QemuTier.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS) // two boots, each allowed Guest.BOOT_TIMEOUT
class QemuKilledIT {
  /** Far beyond the bound the test allows for failing: a call that waits for it has hung. */
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(100);
  private static final Duration FAIL_FAST = Duration.ofSeconds(20);

  @Test
  void pendingCallsFailFastAndTheRegistryReconnectsToANewQemu() throws Exception {
    Guest guest = QemuTier.bootPrivateGuest("killed");
    Process firstQemu = guest.vm().process();
    try (guest;
        AgentRegistry registry = guest.registry().readyTimeout(Duration.ofSeconds(10)).build()) {
      AgentClient client = BrokenSdk.client(registry, guest).withTimeout(CALL_DEADLINE);
      client.ping().join();

      // the agent takes these requests and never answers: they are pending when QEMU dies
      guest.agent().fault(PayloadCase.EXECUTE, Fault.noReply());
      guest.agent().fault(PayloadCase.FILE_WRITE, Fault.noReply());
      guest.agent().fault(PayloadCase.PING, Fault.noReply());
      long requestsBefore = guest.agent().requestCount();
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        pending.add(client.exec(Exec.program("echo", "pending-" + i)));
      }
      pending.add(client.upload(new byte[4096], "/pending.bin", UploadOptions.DEFAULT));
      pending.add(client.ping());
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> guest.agent().requestCount() >= requestsBefore + pending.size());
      assertThat(pending).noneMatch(CompletableFuture::isDone);

      long killed = System.nanoTime();
      guest.killQemu();
      Awaitility.await().atMost(FAIL_FAST)
          .until(() -> pending.stream().allMatch(CompletableFuture::isDone));
      long failedAfter = System.nanoTime() - killed;
      for (CompletableFuture<?> call : pending) {
        assertThat(call).isCompletedExceptionally();
        AgentException failure = cause(call);
        assertThat(failure.code()).as("%s", failure).isEqualTo(AgentException.Code.UNAVAILABLE);
      }
      Awaitility.await().atMost(FAIL_FAST).until(() ->
          registry.status(Guest.VM_ID).state() == AgentState.VM_NOT_RUNNING);
      AgentException down = cause(client.withTimeout(Duration.ofSeconds(30)).exec(
          Exec.program("true")));
      assertThat(down.code()).isEqualTo(AgentException.Code.UNAVAILABLE);
      assertThat(down.connectFailure()).isEqualTo(ConnectFailure.VM_NOT_RUNNING);

      guest.agent().clearFaults();
      Duration boot = guest.restartQemu();
      long relayUp = System.nanoTime();
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
          .until(() -> registry.status(Guest.VM_ID).state() == AgentState.CONNECTED);
      long reconnected = System.nanoTime() - relayUp;
      assertThat(client.ping().join().agentVersion()).isNotBlank();
      assertThat(client.exec(Exec.program("echo", "back")).join().stdout()).isEqualTo("back\n");
      Figures.record("QEMU killed: %d pending calls failed %d ms after SIGKILL; new QEMU booted in"
              + " %d ms; registry CONNECTED %d ms after its relay was up", pending.size(),
          failedAfter / 1_000_000, boot.toMillis(), reconnected / 1_000_000);
    }
    // closing the guest leaves no QEMU behind, neither the killed one nor its successor
    assertThat(firstQemu.isAlive()).isFalse();
    assertThat(guest.vm().process().isAlive()).isFalse();
  }

  static AgentException cause(CompletableFuture<?> call) {
    try {
      call.join();
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(AgentException.class);
      return (AgentException) e.getCause();
    }
    throw new AssertionError("the call succeeded: " + call);
  }
}
