package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ResourceLeakCheck.class)
/** execute as host commands, when the fake agent allows it ({@code allowHostExec}). */
class HostExecTest {
  static FakeGuestAgent agent;
  static HostConnection host;

  @BeforeAll
  static void start() throws Exception {
    agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).singleClient(false).allowHostExec(true).build().start();
    host = HostConnection.open(agent);
    host.next();
  }

  @AfterAll
  static void stop() throws Exception {
    host.close();
    agent.close();
  }

  static ExecuteResponse exec(ExecuteRequest.Builder request) throws Exception {
    AgentMessage reply = host.call(HostConnection.request(AgentMessage.newBuilder().setExecute(request)));
    return reply.getExecuteResponse();
  }

  static ExecuteRequest.Builder shell(String command) {
    return ExecuteRequest.newBuilder().setCommand(command).setWaitForExit(true);
  }

  @Test
  void bareCommandRunsThroughTheShell() throws Exception {
    ExecuteResponse r = exec(shell("echo hello; echo oops >&2; exit 3"));
    assertThat(r.getExitCode()).isEqualTo(3);
    assertThat(r.getStdout()).isEqualTo("hello\n");
    assertThat(r.getStderr()).isEqualTo("oops\n");
    assertThat(r.getTruncated()).isFalse();
    assertThat(r.getTimedOut()).isFalse();
    assertThat(r.getError()).isEmpty();
  }

  @Test
  void argsMeanDirectExecWithoutShellSplitting() throws Exception {
    ExecuteResponse r = exec(ExecuteRequest.newBuilder().setCommand("printf").addArgs("%s|%s").addArgs("a b")
        .addArgs("$HOME").setWaitForExit(true));
    assertThat(r.getExitCode()).isZero();
    assertThat(r.getStdout()).isEqualTo("a b|$HOME");
  }

  @Test
  void runsInTheSandboxWithACleanEnvironmentPlusTheRequestsVariables() throws Exception {
    Files.createDirectories(agent.sandbox().resolve("work"));
    ExecuteResponse r = exec(shell("echo \"$GREETING\"; pwd; test -n \"$PATH\" && echo path; echo \"$HOME\"")
        .putEnvironment("GREETING", "hi there").setWorkingDirectory("/work"));
    Path root = agent.sandbox().toRealPath();
    assertThat(r.getStdout()).isEqualTo("hi there\n" + root.resolve("work") + "\npath\n" + root + "\n");
    ExecuteResponse env = exec(shell("env"));
    assertThat(env.getStdout().lines().map(l -> l.substring(0, l.indexOf('='))))
        .as("nothing of the host's environment leaks in")
        .allMatch(name -> java.util.Set.of("PATH", "HOME", "LANG", "PWD", "SHLVL", "_", "OLDPWD").contains(name));
    ExecuteResponse noDir = exec(shell("pwd").setWorkingDirectory("/no/such/dir"));
    assertThat(noDir.getExitCode()).isEqualTo(-1);
    assertThat(noDir.getError()).startsWith("Failed to spawn: ");
    ExecuteResponse stdin = exec(shell("cat; echo done"));
    assertThat(stdin.getStdout()).as("stdin is /dev/null").isEqualTo("done\n");
  }

  @Test
  void timeoutAnswersMinusOneDiscardsOutputAndKillsTheCommand(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("pid");
    long started = System.nanoTime();
    ExecuteResponse r = exec(shell("echo partial; echo $$ > " + pidFile + "; exec sleep 30").setTimeoutSeconds(1));
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(r.getExitCode()).isEqualTo(-1);
    assertThat(r.getTimedOut()).isTrue();
    assertThat(r.getStdout()).isEmpty();
    assertThat(r.getStderr()).isEqualTo("Command timed out after 1 seconds");
    assertThat(r.getDurationMs()).isBetween(900L, 3000L);
    assertThat(tookMillis).isBetween(900L, 4000L);
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void eachStreamIsCappedAndFlaggedTruncated() throws Exception {
    ExecuteResponse small = exec(shell("head -c 5000 /dev/zero | tr '\\0' a; head -c 50 /dev/zero | tr '\\0' b >&2")
        .setMaxOutputBytes(100));
    assertThat(small.getStdout()).hasSize(100).matches("a+");
    assertThat(small.getStderr()).hasSize(50);
    assertThat(small.getTruncated()).isTrue();
    ExecuteResponse big = exec(shell("head -c 1200000 /dev/zero | tr '\\0' z"));
    assertThat(big.getStdout()).as("0 means 1 MiB per stream").hasSize(1024 * 1024);
    assertThat(big.getTruncated()).isTrue();
  }

  @Test
  void detachedCommandAnswersAtOnceAndDiesWithTheAgent(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("pid");
    FakeGuestAgent own = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).allowHostExec(true).build().start();
    Optional<ProcessHandle> process;
    try (HostConnection conn = HostConnection.open(own)) {
      conn.next();
      AgentMessage reply = conn.call(HostConnection.request(AgentMessage.newBuilder().setExecute(
          ExecuteRequest.newBuilder().setCommand("echo $$ > " + pidFile + "; exec sleep 30").setWaitForExit(false))));
      assertThat(reply.getExecuteResponse().getExitCode()).isZero();
      assertThat(reply.getExecuteResponse().getStdout()).isEmpty();
      assertThat(reply.getExecuteResponse().getDurationMs()).isLessThan(1000);
      await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      process = ProcessHandle.of(pid);
      assertThat(process).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
    } finally {
      own.close();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !process.get().isAlive());
  }

  @Test
  void spawnAndUserLookupFailuresAnswerMinusOneWithAnError() throws Exception {
    ExecuteResponse missing = exec(ExecuteRequest.newBuilder().setCommand("/nonexistent/tool").addArgs("x").setWaitForExit(true));
    assertThat(missing.getExitCode()).isEqualTo(-1);
    assertThat(missing.getError()).startsWith("Failed to spawn: ");
    ExecuteResponse user = exec(shell("id").setRunAsUser("no-such-user-here"));
    assertThat(user.getExitCode()).isEqualTo(-1);
    assertThat(user.getError()).contains("no-such-user-here");
  }

  @Test
  void scriptedCommandsWinAndNoShellMeansNotFound() throws Exception {
    agent.scriptCommand("uname -a", ExecuteResponse.newBuilder().setStdout("Linux fake 5.15.0\n").build());
    ExecuteResponse scripted = exec(ExecuteRequest.newBuilder().setCommand("uname").addArgs("-a").setWaitForExit(true));
    assertThat(scripted.getStdout()).isEqualTo("Linux fake 5.15.0\n");
    try (FakeGuestAgent noShell = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).localShell(false).build().start();
        HostConnection conn = HostConnection.open(noShell)) {
      conn.next();
      AgentMessage reply = conn.call(HostConnection.request(AgentMessage.newBuilder().setExecute(shell("rm -rf /"))));
      assertThat(reply.getExecuteResponse().getExitCode()).isEqualTo(127);
      assertThat(reply.getExecuteResponse().getStderr()).isEqualTo("sh: 1: rm: not found\n");
    }
  }
}
