package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import io.quantix.agent.testkit.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentctl quiesce --then CMD}: frozen while the local command runs, thawed always. */
class AgentctlQuiesceTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @TempDir
  Path dir;

  @Test
  void runsTheCommandWhileFrozenAndThaws() throws Exception {
    Path marker = dir.resolve("ran");
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "quiesce", "--then",
        "echo snapshot taken; touch " + marker));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("snapshot taken\n");
    assertThat(r.err()).contains("agentctl: frozen / /boot", "running: echo snapshot taken",
        "agentctl: thawed; the command exited 0");
    assertThat(marker).exists();
    assertThat(agent.agent().guest().frozen()).isFalse();
    assertThat(payloads()).containsSubsequence(PayloadCase.QUIESCE, PayloadCase.THAW);
  }

  @Test
  void aFailingCommandStillThawsAndGivesItsExitCode() throws Exception {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "quiesce", "--mount", "/",
        "--then", "echo no space >&2; exit 7"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
    assertThat(r.err()).contains("agentctl: frozen /;", "no space", "the command exited 7");
    assertThat(agent.agent().guest().frozen()).isFalse();
    assertThat(payloads()).containsSubsequence(PayloadCase.QUIESCE, PayloadCase.THAW);
  }

  @Test
  void aCommandOutlastingTheFreezeWindowIsStoppedAndThawedExit4() throws Exception {
    Path marker = dir.resolve("finished");
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "quiesce", "--freeze-timeout", "1s",
        "--then", "sleep 30; touch " + marker));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(marker).doesNotExist();
    assertThat(agent.agent().guest().frozen()).isFalse();
    assertThat(payloads()).containsSubsequence(PayloadCase.QUIESCE, PayloadCase.THAW);
  }

  @Test
  void theFreezeEndsWithTheShellNotWithAProcessItLeftHoldingItsOutput() throws Exception {
    Path marker = dir.resolve("background-finished");
    Path pid = dir.resolve("background.pid");
    try {
      AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "quiesce", "--then",
          "(sleep 20; touch " + marker + ") & echo $! > " + pid + "; echo started"));

      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("started\n");
      assertThat(r.err()).contains("agentctl: thawed; the command exited 0");
      assertThat(marker).as("thawed while the background process still ran").doesNotExist();
      assertThat(agent.agent().guest().frozen()).isFalse();
    } finally {
      ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(background -> {
        background.descendants().forEach(ProcessHandle::destroy);
        background.destroy();
      });
    }
  }

  @Test
  void aGuestThatCannotFreezeIsRemoteFailureExit5AndNothingRuns() {
    Path marker = dir.resolve("ran");
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "quiesce", "--mount", "/not-a-mount",
        "--then", "touch " + marker));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("not a mount point");
    assertThat(Files.exists(marker)).isFalse();
  }

  @Test
  void jsonSummaryAndThenIsRequired() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--json", "quiesce", "--then",
        "echo inside"));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("{\"schemaVersion\":1,\"vm\":\"agent.sock\",\"endpoint\":\""
        + agent.agent().endpoint() + "\",\"command\":\"echo inside\","
        + "\"exitCode\":0,\"thawed\":true}\n");
    assertThat(r.err()).isEqualTo("inside\n");

    AgentctlRunner.Run missing = run(on(agent.agent().endpoint(), "quiesce"));
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--then");
  }

  private List<PayloadCase> payloads() throws InterruptedException {
    List<PayloadCase> seen = new ArrayList<>();
    for (RecordedRequest req; (req = agent.agent().takeRequest(Duration.ofMillis(200))) != null; ) {
      seen.add(req.payloadCase());
    }
    return seen;
  }
}
