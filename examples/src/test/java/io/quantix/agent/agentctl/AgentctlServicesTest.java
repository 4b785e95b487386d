package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code agentctl svc list|status|start|stop|restart|enable|disable}. */
class AgentctlServicesTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @Test
  void listShowsEveryService() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "svc", "list"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("NAME", "nginx", "running", "enabled", "ssh");

    AgentctlRunner.Run filtered = run(on(agent.agent().endpoint(), "--json", "svc", "list",
        "--filter", "nginx"));
    assertThat(filtered.outLines()).hasSize(1);
    assertThat(filtered.out()).contains("\"name\":\"nginx\"", "\"memoryBytes\":");
  }

  @Test
  void everyActionChangesAndReportsTheState() {
    String ep = agent.agent().endpoint();
    AgentctlRunner.Run stop = run(on(ep, "svc", "stop", "nginx"));
    assertThat(stop.exitCode()).as(stop.toString()).isZero();
    assertThat(stop.out()).contains("nginx", "(after stop)");
    assertThat(run(on(ep, "svc", "status", "nginx")).out()).doesNotContain("after");

    for (String action : new String[] {"start", "restart", "disable", "enable"}) {
      AgentctlRunner.Run r = run(on(ep, "--json", "svc", action, "nginx"));
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).contains("\"service\":\"nginx\"",
          "\"action\":\"" + action.toUpperCase(java.util.Locale.ROOT) + "\"");
    }
    assertThat(agent.agent().guest().serviceStates()).containsKey("nginx");
  }

  @Test
  void globalOptionsWorkAfterANestedSubcommandAndItsHelpSaysWhatTimeoutBounds() {
    AgentctlRunner.Run r = run("svc", "status", "cron", "--timeout", "10s", "--json", "-e",
        agent.agent().endpoint());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"service\":\"cron\"");

    assertThat(run("svc", "status", "--help").out())
        .contains("deadline of the request, connecting included");
    assertThat(run("exec", "--help").out()).contains("the guest's time limit for the command");
    assertThat(run("status", "--help").out()).contains("how long to wait for every VM's state");
  }

  @Test
  void unknownServiceIsTheGuestsFailureAndNoActionIsUsage() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "svc", "start", "no-such-unit"));
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("not found");

    AgentctlRunner.Run none = run(on(agent.agent().endpoint(), "svc"));
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("missing action");
  }
}
