package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agentctl qga ...} against Debian's qemu-ga on a Unix socket, with the build notes' block
 * list; skipped with the reason when qemu-ga is not installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentctlQgaTest {
  static final String BLOCKED = "guest-fsfreeze-freeze,guest-fsfreeze-freeze-list,"
      + "guest-fsfreeze-thaw,guest-fstrim,guest-shutdown,guest-suspend-disk,guest-suspend-ram,"
      + "guest-suspend-hybrid,guest-set-time,guest-set-user-password,guest-set-vcpus,"
      + "guest-set-memory-blocks";

  @TempDir Path dir;
  private Path socket;
  private long pid;

  @BeforeEach
  void startQemuGa() throws Exception {
    Optional<Path> exe = List.of("/usr/sbin/qemu-ga", "/usr/bin/qemu-ga").stream().map(Path::of)
        .filter(Files::isExecutable).findFirst();
    assumeTrue(exe.isPresent(), "qemu-ga is not installed (apt-get install qemu-guest-agent)");
    socket = dir.resolve("qga.sock");
    Path pidFile = dir.resolve("qga.pid");
    Process p = new ProcessBuilder(exe.get().toString(), "-d", "-m", "unix-listen", "-p",
        socket.toString(), "-t", Files.createDirectories(dir.resolve("state")).toString(), "-f",
        pidFile.toString(), "-l", dir.resolve("qga.log").toString(), "-b", BLOCKED)
        .redirectErrorStream(true).redirectOutput(dir.resolve("launch.log").toFile()).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Awaitility.await().atMost(30, TimeUnit.SECONDS)
        .until(() -> Files.exists(socket) && Files.exists(pidFile) && Files.size(pidFile) > 0);
    pid = Long.parseLong(Files.readString(pidFile).trim());
  }

  @AfterEach
  void stopQemuGa() {
    if (pid > 0) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("qemu-ga still runs")
          .contains(true);
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
  }

  private AgentctlRunner.Run qga(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "-e";
    all[1] = socket.toString();
    all[2] = "qga";
    System.arraycopy(args, 0, all, 3, args.length);
    return run(all);
  }

  @Test
  void pingInfoOsinfoFsinfoAndFreezeStatus() {
    assertThat(qga("ping").out()).startsWith("qemu-ga answers on ");
    AgentctlRunner.Run info = qga("info");
    assertThat(info.out()).contains("enabled:", "guest-exec").containsPattern(
        "disabled: .*guest-shutdown");
    assertThat(qga("--json", "info").out()).startsWith("{\"schemaVersion\":1,\"vm\":")
        .contains("\"endpoint\":\"unix:", "\"version\":");
    assertThat(qga("osinfo").exitCode()).isZero();
    assertThat(qga("fsinfo").out()).startsWith("MOUNTPOINT");
    assertThat(qga("freeze-status").out().trim()).isEqualTo("thawed");
  }

  @Test
  void execPassesOutputAndExitCode() {
    AgentctlRunner.Run r = qga("exec", "--", "echo out; echo err >&2; exit 7");
    assertThat(r.exitCode()).isEqualTo(7);
    assertThat(r.out()).isEqualTo("out\n");
    assertThat(r.err()).isEqualTo("err\n");
    assertThat(qga("exec", "--input", "abc", "--", "/bin/cat").out()).isEqualTo("abc");
    // One word goes through the shell (127 from sh); two run directly: qemu-ga's own error.
    assertThat(qga("exec", "--", "/no/such/program").exitCode()).isEqualTo(127);
    AgentctlRunner.Run direct = qga("exec", "--", "/no/such/program", "arg");
    assertThat(direct.exitCode()).isEqualTo(ExitCodes.REMOTE_FAILURE);
    assertThat(direct.err()).contains("GenericError");
  }

  @Test
  void pushAndPullVerifiedInTheGuest() throws Exception {
    byte[] data = new byte[300_000];
    new Random(3).nextBytes(data);
    Path local = Files.write(dir.resolve("a.bin"), data);
    String guest = dir.resolve("guest.bin").toString();
    AgentctlRunner.Run push = qga("push", local.toString(), guest, "--chunk-kib", "64");
    assertThat(push.exitCode()).as(push.toString()).isZero();
    assertThat(push.out()).contains("sha256 verified in the guest");
    AgentctlRunner.Run pull = qga("--json", "pull", guest, dir.resolve("b.bin").toString());
    assertThat(pull.out()).contains("\"guestVerified\":true");
    assertThat(Files.readAllBytes(dir.resolve("b.bin"))).isEqualTo(data);
  }
}
