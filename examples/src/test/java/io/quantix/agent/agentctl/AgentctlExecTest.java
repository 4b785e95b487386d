package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.proto.PongResponse;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import io.quantix.agent.testkit.RecordedRequest;
import io.quantix.agent.testkit.ScriptedReply;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code agentctl exec}: output to ours, the guest's exit code as ours, as ssh does. */
class AgentctlExecTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @Test
  void oneWordGoesThroughTheShellAndItsExitCodeIsOurs() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec", "--",
        "echo out; echo err >&2; exit 3"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.out()).isEqualTo("out\n");
    assertThat(r.err()).isEqualTo("err\n");
  }

  @Test
  void severalWordsAreAProgramAndArgumentsWithoutShell() throws Exception {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec", "--", "printf", "%s-%s",
        "a b", "$HOME"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("a b-$HOME");
    ExecuteRequest sent = takeExecute();
    assertThat(sent.getCommand()).isEqualTo("printf");
    assertThat(sent.getArgsList()).containsExactly("%s-%s", "a b", "$HOME");
  }

  @Test
  void optionsAfterTheFirstWordBelongToTheCommand() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec", "echo", "--json", "-e"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("--json -e\n");
  }

  @Test
  void passesEnvironmentDirectoryAndUser() throws Exception {
    agent.agent().scriptCommand("id -un", ExecuteResponse.newBuilder().setExitCode(0)
        .setStdout("app\n").build());

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec", "--user", "app", "--cwd",
        "/tmp", "--env", "A=1", "--env", "B=two words", "--", "id -un"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("app\n");
    ExecuteRequest sent = takeExecute();
    assertThat(sent.getRunAsUser()).isEqualTo("app");
    assertThat(sent.getWorkingDirectory()).isEqualTo("/tmp");
    assertThat(sent.getEnvironmentMap()).containsEntry("A", "1").containsEntry("B", "two words");
    assertThat(sent.getWaitForExit()).isTrue();
  }

  @Test
  void realShellSeesEnvironmentAndDirectory() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec", "--cwd", "/", "--env",
        "GREETING=hi", "--", "echo $GREETING; pwd"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("hi\n/\n");
  }

  @Test
  void timeoutIsTheGuestLimitAndAGuestTimeoutExits4() throws Exception {
    agent.agent().scriptCommand("sleep 60", ExecuteResponse.newBuilder().setExitCode(-1)
        .setTimedOut(true).setStderr("Command timed out after 2 seconds").build());

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--timeout", "2s", "exec", "--",
        "sleep 60"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("Command timed out after 2 seconds",
        "agentctl: the command timed out in the guest after 2.0 s");
    assertThat(takeExecute().getTimeoutSeconds()).isEqualTo(2);
  }

  @Test
  void subSecondGuestTimeoutsAreRefusedNotRounded() {
    for (String t : new String[] {"500ms", "1500ms"}) {
      AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--timeout", t, "exec", "--",
          "sleep 60"));

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
      assertThat(r.err()).contains("exec --timeout goes to the guest in whole seconds");
    }
    assertThat(agent.agent().requestCount()).as("refused before any I/O").isZero();
  }

  @Test
  void timeoutAboveTheAgentCapIsAUsageError() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--timeout", "10m", "exec", "--",
        "true"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("at most 300s");
  }

  @Test
  void outOfRangeExitCodeIs1() {
    agent.agent().scriptCommand("crash", ExecuteResponse.newBuilder().setExitCode(-1).build());

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec", "--", "crash"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("ended with code -1");
  }

  @Test
  void guestFailureToRunIsRemoteFailureExit5() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec", "--user",
        "no-such-user-qx", "--", "true"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).startsWith("agentctl: exec failed in the guest: ")
        .contains("no-such-user-qx");
  }

  @Test
  void aReplyOfTheWrongTypeIsAProtocolErrorExit6() {
    agent.agent().enqueue(PayloadCase.EXECUTE, ScriptedReply.of(AgentMessage.newBuilder()
        .setPong(PongResponse.newBuilder().setVersion("0.1.27")).build()));

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec", "--", "true"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
    assertThat(r.err()).startsWith("agentctl: protocol error: ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void jsonCarriesTheResultAndKeepsTheExitCode() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--json", "exec", "--",
        "printf 'a\\tb\\n'; exit 7"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
    assertThat(r.outLines()).hasSize(1);
    assertThat(r.out()).contains("\"exitCode\":7", "\"stdout\":\"a\\tb\\n\"", "\"timedOut\":false");
  }

  @Test
  void missingCommandIsAUsageError() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("CMD");
  }

  private ExecuteRequest takeExecute() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      RecordedRequest req = agent.agent().takeRequest(Duration.ofSeconds(5));
      if (req == null) {
        break;
      }
      if (req.payloadCase() == PayloadCase.EXECUTE) {
        return req.message().getExecute();
      }
    }
    throw new AssertionError("no execute request recorded");
  }
}
