package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** agentctl against the fake in its real-agent modes (issue 14). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentctlRealAgentTest {
  private FakeGuestAgent agent;

  @BeforeEach
  void start() {
    // AgentReady only when the port opens; an earlier host takes it, as a bridge or relay would.
    agent = FakeGuestAgent.builder().agentReadyOnPortOpen(true).telemetryInterval(Duration.ofMillis(200))
        .version("0.1.27").hostname("web-1").start();
    try (AgentRegistry first = AgentRegistry.builder().resolver(EndpointResolver.explicit(
        Map.of("vm", List.of(Endpoint.parse(agent.endpoint()))))).build()) {
      first.client("vm");
      Awaitility.await().atMost(Duration.ofSeconds(15))
          .until(() -> first.status("vm").agentInfo().isPresent());
    }
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void infoWorksOnAConnectionWithoutAgentReady() {
    AgentctlRunner.Run r = run(on(agent.endpoint(), "info"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("agent         0.1.27", "hostname      web-1", "execute",
        "source        GetCapabilities");
  }

  @Test
  void statusCarriesTheVersion() {
    AgentctlRunner.Run r = run(on(agent.endpoint(), "--json", "ping"));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"agentVersion\":\"0.1.27\"");
  }

  @Test
  void guestTextAndAgentctlsLineAreOnSeparateLines() {
    agent.scriptCommand("sleep 60", ExecuteResponse.newBuilder().setExitCode(-1)
        .setTimedOut(true).setStderr("Command timed out after 2 seconds").build());

    AgentctlRunner.Run r = run(on(agent.endpoint(), "--timeout", "2s", "exec", "--", "sleep 60"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("after 2 seconds\nagentctl: the command timed out");
  }

  @Test
  void watchPrintsAnAgentRestart() throws Exception {
    Thread restarter = new Thread(() -> {
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> agent.openConnections() > 0);
      agent.restartAgent();
    });
    restarter.start();

    AgentctlRunner.Run r = run(on(agent.endpoint(), "watch", "--count", "15"));
    restarter.join();

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(" CONNECTED: connected through ", "(agent restarted: AgentReady mid-session at ");
  }

  @Test
  void interactiveExecMergesStderrSoALoudCommandDoesNotStall() {
    AgentctlRunner.Run r = run(true, on(agent.endpoint(), "--timeout", "5s", "exec", "--",
        "seq 1 20000 >&2"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("20000\n");
  }
}
