package io.quantix.agent.it.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.ConnectFailure;
import io.quantix.agent.it.registry.RegistryTesting.Transitions;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Keep-alive: a ping only after silence, and several misses in a row before AGENT_SILENT. */
class KeepAliveIT {
  private static final Duration IDLE = Duration.ofMillis(250);
  private static final int MISSES = 3;

  private FakeGuestAgent agent;
  private AgentRegistry registry;

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  private void start(Duration telemetry, Transitions transitions) {
    start(telemetry, IDLE, transitions);
  }

  private void start(Duration telemetry, Duration idle, Transitions transitions) {
    agent = FakeGuestAgent.builder().telemetryInterval(telemetry).start();
    registry = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm", List.of(Endpoint.parse(agent.endpoint())))))
        .keepAlive(idle, MISSES)
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .build();
    registry.addStatusListener(transitions);
    registry.client("vm");
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status("vm").state() == AgentState.CONNECTED);
  }

  @Test
  void noPingWhileTelemetryFlowsAndPingsOnlyAfterSilence() throws Exception {
    Duration idle = Duration.ofSeconds(1);
    start(Duration.ofMillis(50), idle, new Transitions());
    // The readiness probe is the only request: telemetry every 50 ms proves the agent alive.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> agent.requestCount() >= 1);
    long requests = agent.requestCount();
    Awaitility.await().during(idle.multipliedBy(3)).atMost(Duration.ofSeconds(20))
        .until(() -> agent.requestCount() == requests);
    assertThat(registry.status("vm").state()).isEqualTo(AgentState.CONNECTED);
  }

  @Test
  void aQuietButAnsweringAgentGetsKeepAlivePingsAndStaysConnected() {
    start(Duration.ZERO, new Transitions());
    long requests = agent.requestCount();
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> agent.requestCount() >= requests + 3);
    assertThat(registry.status("vm").state()).isEqualTo(AgentState.CONNECTED);
    assertThat(agent.counters().connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void oneLateAnswerIsNotSilence() {
    Transitions transitions = new Transitions();
    start(Duration.ZERO, transitions);
    // Every pong comes 1.5 idle periods late: one miss at a time, never several in a row.
    agent.fault(PayloadCase.PING, Fault.delay(IDLE.multipliedBy(3).dividedBy(2)));
    long requests = agent.requestCount();
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> agent.requestCount() >= requests + 4);
    Awaitility.await().during(Duration.ofMillis(8 * IDLE.toMillis()))
        .atMost(Duration.ofSeconds(20))
        .until(() -> registry.status("vm").state() == AgentState.CONNECTED);
    assertThat(agent.counters().connectionsAccepted()).isEqualTo(1);
    assertThat(transitions.states("vm")).containsExactly(AgentState.CONNECTING,
        AgentState.CONNECTED);
  }

  @Test
  void aStalledAgentIsSilentOnlyAfterSeveralMissesThenTheSessionIsReopened() {
    Transitions transitions = new Transitions();
    start(Duration.ZERO, transitions);
    long requests = agent.requestCount();
    long stalled = System.nanoTime();
    agent.fault(PayloadCase.PING, Fault.stall(Duration.ZERO));

    // Keep the very status that said AGENT_SILENT: the reconnect may replace it at once.
    java.util.concurrent.atomic.AtomicReference<AgentStatus> seen =
        new java.util.concurrent.atomic.AtomicReference<>();
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
        .until(() -> {
          AgentStatus s = registry.status("vm");
          if (s.state() == AgentState.AGENT_SILENT) {
            seen.compareAndSet(null, s);
          }
          return seen.get() != null;
        });
    long silentAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalled);
    AgentStatus silent = seen.get();
    System.out.printf("stalled agent declared silent after %d ms (idle %d ms, %d misses)%n",
        silentAfter, IDLE.toMillis(), MISSES);
    assertThat(silent.failure()).isEqualTo(ConnectFailure.AGENT_SILENT);
    assertThat(silent.detail()).contains(MISSES + " keep-alive pings in a row went unanswered")
        .contains("agent not installed or not running, or channel held elsewhere");
    // Not after one miss: the first ping goes out after one idle period, silence is declared
    // one idle period after the last of MISSES unanswered pings.
    assertThat(silentAfter).isGreaterThanOrEqualTo(MISSES * IDLE.toMillis());
    assertThat(agent.requestCount()).isGreaterThanOrEqualTo(requests + 1);

    agent.clearFaults();
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status("vm").state() == AgentState.CONNECTED);
    assertThat(agent.counters().connectionsAccepted()).isEqualTo(2);
    assertThat(Transitions.inOrder(transitions.states("vm"), AgentState.CONNECTED,
        AgentState.AGENT_SILENT, AgentState.CONNECTED)).isTrue();
  }
}
