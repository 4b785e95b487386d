package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.client.AgentState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

@ExtendWith(ResourceLeakCheck.class)
class FakeGuestAgentExtensionTest {
  static volatile HostConnection leaked;
  static volatile Path socketDuringTest;

  /** Run through the JUnit launcher below, not by surefire (nested classes are not scanned). */
  static class LeakyScenario {
    @RegisterExtension
    FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO))
        .leakGrace(Duration.ofMillis(200));

    @Test
    void forgetsToCloseItsConnection() throws Exception {
      leaked = HostConnection.open(agent.socketPath());
      leaked.next();
    }
  }

  static class CleanScenario {
    @RegisterExtension
    FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.hostname("from-customizer"));

    @Test
    void closesItsConnection(FakeGuestAgent injected) throws Exception {
      assertThat(injected).isSameAs(agent.agent());
      socketDuringTest = agent.socketPath();
      try (HostConnection host = HostConnection.open(agent.socketPath())) {
        assertThat(host.next().getAgentReady().getHostname()).isEqualTo("from-customizer");
        assertThat(host.call(HostConnection.ping(1)).getPayloadCase()).isEqualTo(PayloadCase.PONG);
      }
    }
  }

  /** The class javadoc's example, as written there. */
  static class ClientScenario {
    @RegisterExtension
    FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

    @Test
    void pings(AgentClient client) {
      agent.agent().enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.delay(Duration.ofMillis(50))));
      assertEquals("0.1.27", client.ping().join().agentVersion());
      socketDuringTest = agent.socketPath();
      clientDuringTest = client;
      assertThat(agent.client()).isSameAs(client);
    }
  }

  static volatile AgentClient clientDuringTest;

  static TestExecutionSummary run(Class<?> scenario) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(scenario)).build(), listener);
    return listener.getSummary();
  }

  @Test
  void aConnectionLeftOpenFailsTheTest() throws Exception {
    TestExecutionSummary summary = run(LeakyScenario.class);
    try {
      assertThat(summary.getTestsStartedCount()).isEqualTo(1);
      assertThat(summary.getTotalFailureCount()).isEqualTo(1);
      Throwable failure = summary.getFailures().get(0).getException();
      assertThat(failure).isInstanceOf(AssertionError.class)
          .hasMessageContaining("1 host connection(s) to the fake agent still open")
          .hasMessageContaining("forgetsToCloseItsConnection");
      assertThat(leaked.awaitEof(Duration.ofSeconds(5))).as("the agent was closed anyway").isTrue();
    } finally {
      leaked.close();
    }
  }

  @Test
  void aTestThatClosesItsConnectionsPassesAndTheAgentIsGoneAfterwards() {
    TestExecutionSummary summary = run(CleanScenario.class);
    assertThat(summary.getFailures()).isEmpty();
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(socketDuringTest).doesNotExist();
  }

  @Test
  void anAgentClientParameterIsConnectedAndClosedAfterTheTest() {
    TestExecutionSummary summary = run(ClientScenario.class);
    assertThat(summary.getFailures()).isEmpty();
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(socketDuringTest).doesNotExist();
    assertThat(clientDuringTest.status().state()).as("its registry was closed").isEqualTo(AgentState.CLOSED);
  }
}
