package io.quantix.agent.qga;

import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * sdk-qemu-ga's contract suite (from its test-jar) against Debian's qemu-ga inside the tier's
 * shared guest, on {@code org.qemu.guest_agent.0} through QEMU's chardev socket: ping, info, the
 * block list, exec, push/pull (checked in the guest through qemu-ga: the guest's files are not
 * this machine's), freeze status, resync, close, the single client and lock files.
 */
@ExtendWith(QemuTier.class)
class GuestQgaContractIT extends QgaContract {
  private static final AtomicInteger DIRS = new AtomicInteger();
  private Guest guest;

  @BeforeEach
  void guest(Guest shared) {
    Assumptions.assumeTrue(shared.hasQemuGa(), "qemu-ga is not installed on this machine"
        + " (install qemu-guest-agent), so the guest has none");
    this.guest = shared;
  }

  @Override
  protected QgaPeer startPeer(Path dir) throws Exception {
    Endpoint endpoint = Endpoint.unix(guest.vm().qgaSocket());
    String guestDir = "/tmp/contract-" + DIRS.incrementAndGet();
    // one client at a time on the chardev: each of these connects, runs one thing and leaves
    run(endpoint, QgaExec.of("/bin/mkdir", "-p", guestDir));
    return new QgaPeer() {
      @Override
      public Endpoint endpoint() {
        return endpoint;
      }

      @Override
      public String agentDir(Path hostDir) {
        return guestDir;
      }

      @Override
      public int slowReadMiB() {
        return 8;
      }

      @Override
      public boolean healthy() {
        // QEMU runs and qemu-ga answers a new client (virtio qemu-ga survives an unread reply:
        // the next client's sync skips it)
        if (!guest.vm().process().isAlive()) {
          return false;
        }
        try (QgaClient probe = QgaClient.builder().endpoint(endpoint).build()) {
          probe.ping().get(60, TimeUnit.SECONDS);
          return true;
        } catch (Exception e) {
          return false;
        }
      }

      @Override
      public Runnable slowFileRead() {
        return () -> { }; // reading MiBs takes qemu-ga under TCG far longer than 300 ms
      }

      @Override
      public void close() {
        run(endpoint, QgaExec.of("/bin/rm", "-rf", guestDir));
      }
    };
  }

  private static void run(Endpoint endpoint, QgaExec exec) {
    try (QgaClient qga = QgaClient.builder().endpoint(endpoint).build()) {
      QgaExecResult r = qga.withTimeout(Duration.ofSeconds(60)).exec(exec).join();
      if (!r.succeeded()) {
        throw new IllegalStateException(exec.path() + " failed in the guest: " + r.stderrText());
      }
    }
  }
}
