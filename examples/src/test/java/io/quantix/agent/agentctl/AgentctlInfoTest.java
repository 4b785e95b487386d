package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code agentctl info}: the AgentReady data. */
class AgentctlInfoTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO)
      .hostname("web-1").ipAddresses("10.1.2.3", "fd00::3").version("0.1.27"));

  @Test
  void printsTheAgentReadyData() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "info"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("agent         0.1.27", "hostname      web-1",
        "addresses     10.1.2.3, fd00::3", "capabilities  ", "execute", "file_read", "kernel ");
  }

  @Test
  void printsJson() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--json", "info"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.outLines()).hasSize(1);
    assertThat(r.out()).contains("\"hostname\":\"web-1\"", "\"agentVersion\":\"0.1.27\"",
        "\"ipAddresses\":[\"10.1.2.3\",\"fd00::3\"]", "\"capabilities\":[");
  }
}
