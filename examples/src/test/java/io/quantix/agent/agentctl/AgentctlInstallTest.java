package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantix.agent.testkit.FakeGuestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agentctl install} against Debian's qemu-ga under a temp install root, the testkit's fake
 * agent standing in for the started agent; skipped without qemu-ga or a static busybox.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentctlInstallTest {
  @TempDir Path dir;
  private long pid;
  private FakeGuestAgent agent;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/qemu-ga")), "qemu-ga is not installed");
    assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")), "no /bin/busybox");
    Path pidFile = dir.resolve("qga.pid");
    Process p = new ProcessBuilder("/usr/sbin/qemu-ga", "-d", "-m", "unix-listen", "-p",
        dir.resolve("qga.sock").toString(), "-t", Files.createDirectories(dir.resolve("state"))
            .toString(), "-f", pidFile.toString(), "-b", AgentctlQgaTest.BLOCKED)
        .redirectErrorStream(true).redirectOutput(dir.resolve("launch.log").toFile()).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> Files.exists(
        dir.resolve("qga.sock")) && Files.exists(pidFile) && Files.size(pidFile) > 0);
    pid = Long.parseLong(Files.readString(pidFile).trim());
    agent = FakeGuestAgent.builder().socketPath(dir.resolve("vm1.agent.sock")).version("7.7.7")
        .build().start();
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (pid > 0) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
  }

  private AgentctlRunner.Run install(String root, String... more) {
    String[] base = {"-e", dir.resolve("vm1.agent.sock").toString(), "install", "--qga",
        dir.resolve("qga.sock").toString(), "--root", dir.resolve(root).toString(),
        "--start-command", "true"};
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return run(all);
  }

  @Test
  void installsThenSaysAlreadyInstalled() {
    AgentctlRunner.Run r = install("root", "--binary", "/bin/busybox", "--version", "7.7.7");
    System.out.println("agentctl install (success):\n" + r.out() + r.err());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("checked", "pushed", "verified", "installed", "started",
        "ready", "installed: agent 7.7.7");
    AgentctlRunner.Run again = install("root", "--binary", "/bin/busybox", "--json");
    assertThat(again.out()).contains("\"unchanged\":true");
  }

  @Test
  void dynamicBinaryExitsWithTheCheckCode() {
    AgentctlRunner.Run r = install("root", "--binary", "/bin/ls");
    System.out.println("agentctl install (dynamic binary):\n" + r.out() + r.err());
    assertThat(r.exitCode()).isEqualTo(InstallCommand.exitCode(
        io.quantix.agent.qga.install.InstallStep.CHECKED));
    assertThat(r.err()).contains("PT_INTERP");
  }

  @Test
  void wrongVersionNeverReadyRollsBack() {
    AgentctlRunner.Run r = install("root2", "--binary", "/bin/busybox", "--version", "0.0.1",
        "--ready-timeout", "3s");
    System.out.println("agentctl install (rollback):\n" + r.out() + r.err());
    assertThat(r.exitCode()).isEqualTo(InstallCommand.exitCode(
        io.quantix.agent.qga.install.InstallStep.READY));
    assertThat(r.err()).contains("rolled back");
    assertThat(dir.resolve("root2/usr/local/bin/quantix-agent")).doesNotExist();
  }
}
