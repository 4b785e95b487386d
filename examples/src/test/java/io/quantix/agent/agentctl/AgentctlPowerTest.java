package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.ShutdownType;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import io.quantix.agent.testkit.GuestState;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code agentctl shutdown} and {@code reboot}, including the VM that goes away without a word. */
class AgentctlPowerTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @Test
  void shutdownNowCountsTheVanishedSessionAsDone() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "shutdown"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("agent.sock: power off done: the VM went away (session ended)\n");
    assertThat(agent.agent().guest().shutdowns()).containsExactly(
        new GuestState.Shutdown(ShutdownType.SHUTDOWN_TYPE_POWEROFF, 0, ""));
  }

  @Test
  void delayedRebootWithMessageIsAccepted() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--json", "reboot", "--delay", "5m",
        "--message", "kernel update"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"action\":\"REBOOT\"", "\"confirmation\":\"ACCEPTED\"",
        "\"delayMillis\":300000");
    assertThat(agent.agent().guest().shutdowns()).containsExactly(
        new GuestState.Shutdown(ShutdownType.SHUTDOWN_TYPE_REBOOT, 300, "kernel update"));
  }

  @Test
  void rebootNowSeesTheAgentComeBack() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "reboot"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("agent.sock: reboot done: ");
  }

  @Test
  void badDelayIsAUsageError() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "shutdown", "--delay", "2d"));

    assertThat(r.exitCode()).isEqualTo(2);
  }
}
