package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentctl watch}: telemetry as it arrives. */
class AgentctlWatchTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b
      .telemetryInterval(Duration.ofMillis(50)).hostname("web-2"));

  @TempDir
  Path dir;

  @Test
  void printsReportsUntilCount() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "watch", "--count", "3"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.outLines()).hasSize(3).allSatisfy(line ->
        assertThat(line).contains("agent.sock (web-2)", "cpu ", "mem ", "load ", "up "));
    assertThat(r.err()).startsWith("watching ").contains("3 report(s)");
  }

  @Test
  void printsJsonLines() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "watch", "--count", "2", "--json"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.outLines()).hasSize(2).allSatisfy(line -> assertThat(line)
        .startsWith("{\"schemaVersion\":1,\"vm\":").contains("\"event\":\"telemetry\"","\"hostname\":\"web-2\"",
            "\"memoryTotalBytes\":"));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void unreachableAgentFailsAtOnce() {
    AgentctlRunner.Run r = run(on("unix:" + dir.resolve("gone.agent.sock"), "watch"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("NO_CHANNEL");
  }

  @Test
  void countMustBePositive() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "watch", "--count", "0"));

    assertThat(r.exitCode()).isEqualTo(2);
  }
}
