package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.qemu.support.Figures;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.qemu.support.RawQga;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Debian's qemu-ga runs inside the guest on {@code org.qemu.guest_agent.0}: raw JSON over the
 * chardev socket proves the guest side (sync, ping, info, osinfo of the guest kernel, exec, freeze
 * status) that the SDK's qemu-ga client will stand on.
 */
@ExtendWith(QemuTier.class)
class QemuGuestAgentRawIT {
  private static final Pattern OUT_DATA = Pattern.compile("\"out-data\":\\s*\"([^\"]*)\"");

  @Test
  void qemuGaInTheGuestAnswersSyncPingInfoExecAndFreezeStatus(Guest guest) throws Exception {
    Assumptions.assumeTrue(guest.hasQemuGa(), "qemu-ga is not installed on this machine"
        + " (install qemu-guest-agent), so the guest has none");
    guest.vm().awaitMarkerCount("QT qemu-ga-started", 1, Duration.ofSeconds(10));

    try (RawQga qga = RawQga.connect(guest.vm().qgaSocket())) {
      long start = System.nanoTime();
      assertThat(qga.syncDelimited(4711)).contains("4711");
      long syncNanos = System.nanoTime() - start;
      assertThat(qga.execute("{\"execute\":\"guest-ping\"}").replace(" ", ""))
          .isEqualTo("{\"return\":{}}");

      long[] pings = new long[200];
      for (int i = 0; i < pings.length; i++) {
        long t = System.nanoTime();
        qga.execute("{\"execute\":\"guest-ping\"}");
        pings[i] = System.nanoTime() - t;
      }

      String info = qga.execute("{\"execute\":\"guest-info\"}");
      assertThat(info).contains("\"version\"").contains("\"guest-exec\"")
          .contains("\"guest-sync-delimited\"");

      String os = qga.execute("{\"execute\":\"guest-get-osinfo\"}");
      assertThat(os).as("qemu-ga runs on the guest kernel, not this machine's")
          .contains(guest.kernelVersion());

      assertThat(qga.execute("{\"execute\":\"guest-fsfreeze-status\"}")).contains("thawed");
      // the guest's qemu-ga has the build notes' block list, as the contract tests expect
      assertThat(qga.execute("{\"execute\":\"guest-shutdown\"}"))
          .contains("CommandNotFound").contains("has been disabled");

      String status = qga.execAndWait("/bin/busybox", List.of("echo", "from the guest"), true,
          Duration.ofSeconds(30));
      assertThat(status.replace(" ", "")).contains("\"exitcode\":0");
      Matcher out = OUT_DATA.matcher(status);
      assertThat(out.find()).as(status).isTrue();
      assertThat(new String(Base64.getDecoder().decode(out.group(1)))).isEqualTo("from the guest\n");

      Figures.record("qemu-ga in the guest: first sync %.1f ms; guest-ping p50 %.3f ms p99 %.3f ms",
          syncNanos / 1e6, Figures.percentileMillis(pings, 50), Figures.percentileMillis(pings, 99));
    }
  }
}
