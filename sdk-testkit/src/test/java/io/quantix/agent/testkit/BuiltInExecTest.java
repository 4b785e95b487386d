package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.proto.KillProcessRequest;
import io.quantix.agent.proto.ListProcessesRequest;
import io.quantix.agent.proto.ProcessInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * execute from the built-in command set (the default): every command shape the repository's tests,
 * examples and demo send, answered inside the sandbox without running anything on the host.
 */
@ExtendWith(ResourceLeakCheck.class)
class BuiltInExecTest {
  static FakeGuestAgent agent;
  static HostConnection host;

  @BeforeAll
  static void start() throws Exception {
    agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).hostname("web-1").build().start();
    host = HostConnection.open(agent);
    host.next();
  }

  @AfterAll
  static void stop() throws Exception {
    host.close();
    agent.close();
  }

  static ExecuteResponse exec(ExecuteRequest.Builder request) throws Exception {
    return host.call(HostConnection.request(AgentMessage.newBuilder().setExecute(request))).getExecuteResponse();
  }

  static ExecuteRequest.Builder shell(String command) {
    return ExecuteRequest.newBuilder().setCommand(command).setWaitForExit(true);
  }

  static ExecuteRequest.Builder program(String command, String... args) {
    return ExecuteRequest.newBuilder().setCommand(command).addAllArgs(java.util.List.of(args)).setWaitForExit(true);
  }

  @Test
  void shellScriptsWithStreamsRedirectionsAndExitCodes() throws Exception {
    ExecuteResponse r = exec(shell("echo hello; echo oops >&2; exit 3"));
    assertThat(r.getExitCode()).isEqualTo(3);
    assertThat(r.getStdout()).isEqualTo("hello\n");
    assertThat(r.getStderr()).isEqualTo("oops\n");
    assertThat(exec(shell("printf 'a\\tb\\n'; exit 7")).getStdout()).isEqualTo("a\tb\n");
    assertThat(exec(shell("printf 'h\\303\\251'")).getStdout().getBytes(StandardCharsets.UTF_8)).hasSize(3);
    assertThat(exec(shell("echo inner && false || echo recovered; sh -c 'exit 4'; echo $?")).getStdout())
        .isEqualTo("inner\nrecovered\n4\n");
    assertThat(exec(shell("true")).getExitCode()).isZero();
    assertThat(exec(shell("false")).getExitCode()).isEqualTo(1);
    assertThat(exec(shell("echo hello from the guest; uname -s")).getStdout()).isEqualTo("hello from the guest\nLinux\n");
    assertThat(exec(shell("seq 3 | wc -l")).getStdout()).isEqualTo("3\n");
    assertThat(exec(shell("echo to-stderr 1>&2 2>/dev/null")).getStderr()).isEqualTo("to-stderr\n");
    assertThat(exec(shell("test -n \"$UNSET\" || echo empty; echo \"[$UNSET]\" '$UNSET' \\$UNSET")).getStdout())
        .as("a quoted expansion to nothing is still a word").isEqualTo("empty\n[] $UNSET $UNSET\n");
  }

  @Test
  void programsRunWithoutAShell() throws Exception {
    assertThat(exec(program("/bin/echo", "a b", "$HOME")).getStdout()).isEqualTo("a b $HOME\n");
    assertThat(exec(program("printf", "%s-%s", "a b", "$HOME")).getStdout()).isEqualTo("a b-$HOME");
    assertThat(exec(program("echo", "--json", "-e")).getStdout()).isEqualTo("--json -e\n");
    ExecuteResponse missing = exec(program("/nonexistent/tool", "x"));
    assertThat(missing.getExitCode()).isEqualTo(-1);
    assertThat(missing.getError()).startsWith("Failed to spawn: ");
    ExecuteResponse unknown = exec(shell("frobnicate --now"));
    assertThat(unknown.getExitCode()).isEqualTo(127);
    assertThat(unknown.getStderr()).isEqualTo("sh: 1: frobnicate: not found\n");
  }

  @Test
  void theGuestsIdentityEnvironmentAndDirectory() throws Exception {
    assertThat(exec(shell("echo $GREETING; pwd").putEnvironment("GREETING", "hi").setWorkingDirectory("/"))
        .getStdout()).isEqualTo("hi\n/\n");
    assertThat(exec(shell("uname -a")).getStdout()).startsWith("Linux web-1 5.15.0-91-generic #").endsWith("x86_64 GNU/Linux\n");
    assertThat(exec(shell("hostname")).getStdout()).isEqualTo("web-1\n");
    assertThat(exec(shell("id")).getStdout()).isEqualTo("uid=0(root) gid=0(root) groups=0(root)\n");
    assertThat(exec(shell("id -un; echo $HOME").setRunAsUser("ubuntu")).getStdout()).isEqualTo("ubuntu\n/home/ubuntu\n");
    ExecuteResponse noUser = exec(shell("id").setRunAsUser("no-such-user-here"));
    assertThat(noUser.getExitCode()).isEqualTo(-1);
    assertThat(noUser.getError()).contains("no-such-user-here");
    ExecuteResponse noDir = exec(shell("pwd").setWorkingDirectory("/no/such/dir"));
    assertThat(noDir.getError()).startsWith("Failed to spawn: ");
  }

  @Test
  void filesAreTheSandboxsAndNothingElse() throws Exception {
    Path sandbox = agent.sandbox();
    Files.createDirectories(sandbox.resolve("etc"));
    Files.writeString(sandbox.resolve("etc/motd"), "welcome\n");
    assertThat(exec(shell("cat /etc/motd")).getStdout()).isEqualTo("welcome\n");
    ExecuteResponse missing = exec(shell("cat /etc/shadow"));
    assertThat(missing.getExitCode()).isEqualTo(1);
    assertThat(missing.getStderr()).isEqualTo("cat: /etc/shadow: No such file or directory\n");
    assertThat(exec(shell("mkdir -p /srv/app && cd /srv/app && echo data > f.txt && ls /srv/app && cat f.txt"))
        .getStdout()).isEqualTo("f.txt\ndata\n");
    assertThat(Files.readString(sandbox.resolve("srv/app/f.txt"))).isEqualTo("data\n");
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("data\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(exec(shell("sha256sum /srv/app/f.txt")).getStdout()).isEqualTo(digest + "  /srv/app/f.txt\n");
    assertThat(exec(shell("rm -rf /")).getExitCode()).isEqualTo(1);
    assertThat(exec(shell("ls /")).getStdout()).contains("srv");
    ExecuteResponse capped = exec(shell("head -c 5000 /dev/zero").setMaxOutputBytes(100));
    assertThat(capped.getStdout()).hasSize(100);
    assertThat(capped.getTruncated()).isTrue();
  }

  @Test
  void timeoutsDetachedCommandsAndTheTimeoutUtility() throws Exception {
    ExecuteResponse slow = exec(shell("echo partial; sleep 5").setTimeoutSeconds(1));
    assertThat(slow.getTimedOut()).isTrue();
    assertThat(slow.getExitCode()).isEqualTo(-1);
    assertThat(slow.getStdout()).isEmpty();
    assertThat(slow.getStderr()).isEqualTo("Command timed out after 1 seconds");
    await().atMost(Duration.ofSeconds(5)).until(() -> !agent.guest().runningCommands().contains("echo partial; sleep 5"));

    ExecuteResponse detached = exec(shell("sleep 2").setWaitForExit(false));
    assertThat(detached.getExitCode()).isZero();
    assertThat(agent.guest().runningCommands()).contains("sleep 2");
    await().atMost(Duration.ofSeconds(10)).until(() -> !agent.guest().runningCommands().contains("sleep 2"));

    assertThat(exec(shell("timeout 1 sleep 10; echo $?")).getStdout()).isEqualTo("124\n");
    assertThat(exec(shell("timeout -k 1 -s KILL 1 sleep 10; echo $?")).getStdout()).isEqualTo("137\n");
  }

  @Test
  void moreThanAPipeOfStderrStallsUntilTheTimeoutButMergedOutputDoesNot() throws Exception {
    ExecuteResponse stalled = exec(shell("seq 1 20000 >&2; echo done").setTimeoutSeconds(1));
    assertThat(stalled.getTimedOut()).isTrue();
    assertThat(stalled.getStderr()).isEqualTo("Command timed out after 1 seconds");
    ExecuteResponse merged = exec(shell("seq 1 20000 2>&1; echo done").setTimeoutSeconds(5));
    assertThat(merged.getTimedOut()).isFalse();
    assertThat(merged.getStdout()).endsWith("20000\ndone\n");
    ExecuteResponse shielded = exec(shell("timeout 1 sh -c 'seq 1 20000 >&2'; echo $?").setTimeoutSeconds(10));
    assertThat(shielded.getStdout()).as("the guest's timeout ends the stalled child").isEqualTo("124\n");
  }

  @Test
  void aTimedOutCommandLeftRunningIsAGuestProcessUntilKilled() throws Exception {
    try (FakeGuestAgent real = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).killTimedOutCommands(false).start();
        HostConnection conn = HostConnection.open(real)) {
      conn.next();
      ExecuteResponse r = conn.call(HostConnection.request(AgentMessage.newBuilder()
          .setExecute(shell("sleep 30").setTimeoutSeconds(1)))).getExecuteResponse();
      assertThat(r.getTimedOut()).isTrue();
      assertThat(real.guest().runningCommands()).containsExactly("sleep 30");
      ProcessInfo sleeping = conn.call(HostConnection.request(AgentMessage.newBuilder()
          .setListProcesses(ListProcessesRequest.newBuilder().setFilter("sleep 30"))))
          .getListProcessesResponse().getProcesses(0);
      assertThat(sleeping.getCommandLine()).isEqualTo("sleep 30");
      assertThat(conn.call(HostConnection.request(AgentMessage.newBuilder().setKillProcess(
          KillProcessRequest.newBuilder().setPid(sleeping.getPid())))).getKillProcessResponse().getSuccess()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> real.guest().runningCommands().isEmpty());
    }
  }
}
