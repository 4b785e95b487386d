package io.quantix.agent.it.registry;

import static io.quantix.agent.it.registry.RegistryTesting.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.it.Closer;
import io.quantix.agent.it.registry.RegistryTesting.Transitions;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every state of the status table, provoked for real, with what each carries. */
class StatusTableIT {
  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  private AgentRegistry registry(Transitions transitions, Duration readyTimeout) {
    AgentRegistry registry = closer.add(AgentRegistry.builder()
        .resolver(EndpointResolver.directory(tmp))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .readyTimeout(readyTimeout)
        .build());
    registry.addStatusListener(transitions);
    return registry;
  }

  private FakeGuestAgent agent(String vm) {
    return closer.add(FakeGuestAgent.builder().socketPath(tmp.resolve(vm + ".agent.sock"))
        .hostname("host-" + vm).ipAddresses("10.0.0.7", "fd00::7")
        .telemetryInterval(Duration.ofMillis(100)).start());
  }

  private static void awaitState(AgentRegistry registry, String vm, AgentState state) {
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status(vm).state() == state);
  }

  @Test
  void connectedCarriesTheAgentReadyDataAndTheLastTelemetryWithItsAge() {
    agent("vm");
    AgentRegistry registry = registry(new Transitions(), Duration.ofSeconds(5));
    registry.client("vm");
    awaitState(registry, "vm", AgentState.CONNECTED);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> registry.status("vm").telemetry().isPresent());

    AgentStatus s = registry.status("vm");
    AgentInfo info = s.agentInfo().orElseThrow();
    assertThat(info.version()).isEqualTo("0.1.27");
    assertThat(info.hostname()).isEqualTo("host-vm");
    assertThat(info.osName()).isEqualTo("Ubuntu");
    assertThat(info.osVersion()).isEqualTo("22.04");
    assertThat(info.ipAddresses()).containsExactly("10.0.0.7", "fd00::7");
    assertThat(info.capabilities()).contains("execute", "file_read", "telemetry");
    assertThat(s.telemetry().orElseThrow().hostname()).isEqualTo("host-vm");
    assertThat(s.telemetryAge().orElseThrow()).isLessThan(Duration.ofSeconds(10));
    assertThat(s.attempt()).isZero();
    assertThat(s.endpoint()).endsWith("vm.agent.sock");
    assertThat(s.isConnected()).isTrue();
  }

  @Test
  void aChannelHeldByAnotherClientIsConnectingThenAgentSilentThenConnectedOnceFreed()
      throws Exception {
    FakeGuestAgent agent = agent("vm");
    SocketChannel holder = RegistryTesting.holdChannel(agent.socketPath());
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> agent.counters().connectionsAccepted() == 1);
    Transitions transitions = new Transitions();
    AgentRegistry registry = registry(transitions, Duration.ofSeconds(3));
    Instant asked = Instant.now();
    AgentClient client = registry.client("vm");

    // The SDK's connect lands in the backlog: connected at the socket level, nothing heard.
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> registry.status("vm").detail().contains("waiting for AgentReady"));
    AgentStatus connecting = registry.status("vm");
    assertThat(connecting.state()).isEqualTo(AgentState.CONNECTING);
    assertThat(connecting.attempt()).isEqualTo(1);
    assertThat(connecting.since()).isBetween(asked.minusSeconds(1), Instant.now());

    awaitState(registry, "vm", AgentState.AGENT_SILENT);
    AgentStatus silent = registry.status("vm");
    assertThat(silent.detail())
        .contains("agent not installed or not running, or channel held elsewhere");
    assertThat(silent.failure()).isEqualTo(ConnectFailure.AGENT_SILENT);
    AgentException e = failure(client.withTimeout(Duration.ofSeconds(30)).ping());
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e.connectFailure()).isEqualTo(ConnectFailure.AGENT_SILENT);
    assertThat(e.getMessage()).contains("channel held elsewhere");
    // Retries keep the state, and its since, while the attempt number grows.
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status("vm").attempt() >= 2);
    assertThat(registry.status("vm").state()).isEqualTo(AgentState.AGENT_SILENT);
    assertThat(registry.status("vm").since()).isEqualTo(silent.since());

    holder.close();
    awaitState(registry, "vm", AgentState.CONNECTED);
    assertThat(client.withTimeout(Duration.ofSeconds(10)).ping().join()).isNotNull();
    // A silent agent does not flicker back to CONNECTING at every retry.
    assertThat(transitions.states("vm")).containsExactly(AgentState.CONNECTING,
        AgentState.AGENT_SILENT, AgentState.CONNECTED);
  }

  @Test
  void aStoppedVmIsVmNotRunningWithTheLastErrorThenNoChannelWithThePathLookedFor()
      throws Exception {
    FakeGuestAgent agent = agent("vm");
    Path socket = agent.socketPath();
    Transitions transitions = new Transitions();
    AgentRegistry registry = registry(transitions, Duration.ofSeconds(5));
    AgentClient client = registry.client("vm");
    awaitState(registry, "vm", AgentState.CONNECTED);

    // QEMU stops: the connection ends and the socket file stays with nobody listening.
    agent.close();
    RegistryTesting.staleSocket(socket);
    awaitState(registry, "vm", AgentState.VM_NOT_RUNNING);
    AgentStatus notRunning = registry.status("vm");
    assertThat(notRunning.detail()).contains("refused");
    assertThat(notRunning.failure()).isEqualTo(ConnectFailure.VM_NOT_RUNNING);
    assertThat(notRunning.channelPath()).contains(socket);
    AgentException refused = failure(client.withTimeout(Duration.ofSeconds(30)).ping());
    assertThat(refused.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(refused.connectFailure()).isEqualTo(ConnectFailure.VM_NOT_RUNNING);
    // The last-known agent data stays available.
    assertThat(notRunning.agentInfo()).isPresent();

    // The VM is undefined: the socket file goes.
    Files.delete(socket);
    awaitState(registry, "vm", AgentState.NO_CHANNEL);
    AgentStatus noChannel = registry.status("vm");
    assertThat(noChannel.channelPath()).contains(socket);
    assertThat(noChannel.detail()).contains(socket.toString());
    assertThat(noChannel.failure()).isEqualTo(ConnectFailure.NO_CHANNEL);
    AgentException missing = failure(client.withTimeout(Duration.ofSeconds(30)).ping());
    assertThat(missing.connectFailure()).isEqualTo(ConnectFailure.NO_CHANNEL);

    // The VM starts again.
    agent("vm");
    awaitState(registry, "vm", AgentState.CONNECTED);
    assertThat(client.withTimeout(Duration.ofSeconds(10)).ping().join()).isNotNull();
    assertThat(Transitions.inOrder(transitions.states("vm"), AgentState.CONNECTING,
        AgentState.CONNECTED, AgentState.DISCONNECTED, AgentState.VM_NOT_RUNNING,
        AgentState.NO_CHANNEL, AgentState.CONNECTING, AgentState.CONNECTED)).isTrue();
  }

  @Test
  void aRemovedVmAndEveryVmOfAClosedRegistryAreClosed() {
    agent("a");
    agent("b");
    Transitions transitions = new Transitions();
    AgentRegistry registry = registry(transitions, Duration.ofSeconds(5));
    registry.client("a");
    registry.client("b");
    awaitState(registry, "a", AgentState.CONNECTED);
    awaitState(registry, "b", AgentState.CONNECTED);

    registry.remove("a").join();
    assertThat(registry.status("a").state()).isEqualTo(AgentState.CLOSED);
    assertThat(registry.vmIds()).containsExactly("b");
    registry.close();
    assertThat(registry.status("b").state()).isEqualTo(AgentState.CLOSED);
    assertThat(registry.status("b").detail()).isEqualTo("registry closed");
    assertThat(registry.statuses()).isEmpty();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        transitions.states("a").contains(AgentState.CLOSED)
            && transitions.states("b").contains(AgentState.CLOSED));
  }
}
