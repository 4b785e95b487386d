package io.quantix.agent.it.registry;

import static io.quantix.agent.it.registry.RegistryTesting.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.Pong;
import io.quantix.agent.it.Closer;
import io.quantix.agent.it.registry.RegistryTesting.Transitions;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.FakeGuestAgentFleet;
import io.quantix.agent.testkit.Fault;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The reconnect loop: restarts, backoff, calls in flight and waiting, and close. */
class ReconnectIT {
  private static final Duration MIN = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofMillis(800);

  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  private FakeGuestAgent agent(String vm) {
    return closer.add(FakeGuestAgent.builder().socketPath(tmp.resolve(vm + ".agent.sock"))
        .telemetryInterval(Duration.ofMillis(200)).start());
  }

  private AgentRegistry.Builder registryBuilder() {
    return AgentRegistry.builder()
        .resolver(EndpointResolver.directory(tmp))
        .reconnectBackoff(MIN, MAX)
        .readyTimeout(Duration.ofSeconds(3))
        .resetGrace(Duration.ofMillis(300));
  }

  private static void awaitState(AgentRegistry registry, String vm, AgentState state) {
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status(vm).state() == state);
  }

  @Test
  void theChannelDropsAndTheSessionComesBackWhilePendingCallsEndAsSpecified() {
    FakeGuestAgent agent = agent("vm");
    agent.scriptCommand("work", ExecuteResponse.newBuilder().setExitCode(0).setStdout("done").build());
    Transitions transitions = new Transitions();
    AgentRegistry registry = closer.add(registryBuilder().build());
    registry.addStatusListener(transitions);
    AgentClient client = registry.client("vm").withTimeout(Duration.ofSeconds(20));
    awaitState(registry, "vm", AgentState.CONNECTED);
    int stepsBefore = transitions.steps.size();

    // Replies are held back, so both calls are pending on the session when it ends.
    agent.fault(PayloadCase.EXECUTE, Fault.noReply());
    agent.fault(PayloadCase.PING, Fault.noReply());
    CompletableFuture<ExecResult> exec = client.exec(Exec.shell("work"));
    CompletableFuture<Pong> ping = client.ping();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> agent.requestCount() >= 3);
    agent.clearFaults();
    long dropped = System.nanoTime();
    agent.dropConnections();

    // Exec may have run: never retried, fails at once with UNAVAILABLE.
    AgentException e = failure(exec);
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e.mayHaveRun()).isTrue();
    // Ping is idempotent: retried on the next session.
    assertThat(ping.join()).isNotNull();
    awaitState(registry, "vm", AgentState.CONNECTED);
    long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped);
    System.out.printf("dropped session back after %d ms (backoff %d..%d ms)%n", backMillis,
        MIN.toMillis(), MAX.toMillis());
    assertThat(backMillis).isLessThan(MAX.toMillis() + 5_000);
    assertThat(transitions.statesSince("vm", stepsBefore)).containsExactly(
        AgentState.DISCONNECTED, AgentState.CONNECTING, AgentState.CONNECTED);
    assertThat(agent.counters().connectionsAccepted()).isEqualTo(2);
    assertThat(client.exec(Exec.shell("work")).join().stdout()).isEqualTo("done");
  }

  @Test
  void anUnreadableStreamEndsTheSessionAndTheLoopOpensANewOne() {
    FakeGuestAgent agent = agent("vm");
    Transitions transitions = new Transitions();
    AgentRegistry registry = closer.add(registryBuilder().build());
    registry.addStatusListener(transitions);
    AgentClient client = registry.client("vm").withTimeout(Duration.ofSeconds(20));
    awaitState(registry, "vm", AgentState.CONNECTED);
    int stepsBefore = transitions.steps.size();

    // More than 64 KiB without a frame magic: the decoder gives up resynchronising.
    agent.sendRaw(new byte[70_000]);
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> transitions.statesSince("vm", stepsBefore).contains(AgentState.CONNECTED));
    assertThat(transitions.statesSince("vm", stepsBefore)).containsExactly(
        AgentState.DISCONNECTED, AgentState.CONNECTING, AgentState.CONNECTED);
    assertThat(transitions.steps.stream().filter(s -> s.current().state()
        == AgentState.DISCONNECTED).findFirst().orElseThrow().current().detail())
        .contains("stream unreadable");
    assertThat(agent.counters().connectionsAccepted()).isEqualTo(2);
    assertThat(client.ping().join()).isNotNull();
  }

  @Test
  void callsMadeWhileDisconnectedWaitForTheNextSession() {
    FakeGuestAgent agent = agent("vm");
    Transitions transitions = new Transitions();
    AgentRegistry registry = closer.add(registryBuilder()
        .reconnectBackoff(Duration.ofMillis(600), Duration.ofMillis(1200)).build());
    registry.addStatusListener(transitions);
    AgentClient client = registry.client("vm").withTimeout(Duration.ofSeconds(20));
    awaitState(registry, "vm", AgentState.CONNECTED);
    agent.dropConnections();
    awaitState(registry, "vm", AgentState.DISCONNECTED);
    // Made during the backoff gap, with no attempt under way: it waits, then succeeds.
    CompletableFuture<ExecResult> exec = client.exec(Exec.shell("true"));
    assertThat(exec.join().exitCode()).isZero();
    assertThat(agent.counters().connectionsAccepted()).isEqualTo(2);
  }

  @Test
  void aReplacedAgentIsReachedAgainWithinTheBackoffBound() {
    FakeGuestAgent first = agent("vm");
    Transitions transitions = new Transitions();
    AgentRegistry registry = closer.add(registryBuilder().build());
    registry.addStatusListener(transitions);
    AgentClient client = registry.client("vm").withTimeout(Duration.ofSeconds(20));
    awaitState(registry, "vm", AgentState.CONNECTED);

    first.close();
    awaitState(registry, "vm", AgentState.NO_CHANNEL);
    // Let the backoff grow to its cap.
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status("vm").attempt() >= 5);
    AgentException down = failure(client.ping());
    assertThat(down.connectFailure()).isEqualTo(ConnectFailure.NO_CHANNEL);

    long started = System.nanoTime();
    agent("vm");
    awaitState(registry, "vm", AgentState.CONNECTED);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.printf("replaced agent reached again after %d ms (backoff cap %d ms)%n", millis,
        MAX.toMillis());
    assertThat(millis).isLessThan(MAX.toMillis() + 5_000);
    assertThat(client.ping().join()).isNotNull();
    assertThat(Transitions.inOrder(transitions.states("vm"), AgentState.CONNECTED,
        AgentState.DISCONNECTED, AgentState.NO_CHANNEL, AgentState.CONNECTING,
        AgentState.CONNECTED)).isTrue();
  }

  @Test
  void aGuestSideRestartKeepsTheSessionAndEndsCallsInFlightAsSpecified() {
    FakeGuestAgent agent = agent("vm");
    Transitions transitions = new Transitions();
    AgentRegistry registry = closer.add(registryBuilder().build());
    registry.addStatusListener(transitions);
    AgentClient client = registry.client("vm").withTimeout(Duration.ofSeconds(20));
    awaitState(registry, "vm", AgentState.CONNECTED);
    var firstReady = registry.status("vm").agentInfo().orElseThrow().receivedAt();
    int stepsBefore = transitions.steps.size();

    agent.fault(PayloadCase.EXECUTE, Fault.noReply());
    agent.fault(PayloadCase.PING, Fault.noReply());
    CompletableFuture<ExecResult> exec = client.exec(Exec.shell("true"));
    CompletableFuture<Pong> ping = client.ping();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> agent.requestCount() >= 3);
    agent.clearFaults();
    // The agent process restarts inside the guest: same socket, a new AgentReady.
    agent.restartAgent();

    AgentException e = failure(exec);
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e.mayHaveRun()).isTrue();
    assertThat(ping.join()).isNotNull();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        registry.status("vm").agentInfo().orElseThrow().receivedAt().isAfter(firstReady));
    assertThat(registry.status("vm").state()).isEqualTo(AgentState.CONNECTED);
    // The state stays CONNECTED; listeners hear of the guest reset as a same-state change (issue 14).
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> !transitions.statesSince("vm", stepsBefore).isEmpty());
    assertThat(transitions.statesSince("vm", stepsBefore)).containsOnly(AgentState.CONNECTED);
    assertThat(agent.counters().connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void theBackoffDoublesWithJitterUpToItsCap() {
    List<Long> attemptNanos = new CopyOnWriteArrayList<>();
    AgentRegistry registry = closer.add(registryBuilder()
        .metrics(new AgentMetrics() {
          @Override
          public void connectAttempt(String vmId, int attempt) {
            attemptNanos.add(System.nanoTime());
          }
        }).build());
    registry.client("missing");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> attemptNanos.size() >= 8);

    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < 8; i++) {
      gaps.add(TimeUnit.NANOSECONDS.toMillis(attemptNanos.get(i) - attemptNanos.get(i - 1)));
    }
    System.out.println("reconnect gaps (ms): " + gaps);
    for (int i = 0; i < gaps.size(); i++) {
      long nominal = Math.min(MAX.toMillis(), MIN.toMillis() << i);
      // Timers never fire early: at least half the nominal delay; loaded machines add lateness.
      assertThat(gaps.get(i)).as("gap %d", i).isGreaterThanOrEqualTo(nominal / 2 - 2);
      assertThat(gaps.get(i)).as("gap %d", i).isLessThan(nominal + 3_000);
    }
    // Past the cap the delays stay within [cap/2, cap].
    assertThat(gaps.subList(4, gaps.size())).allSatisfy(g ->
        assertThat(g).isGreaterThanOrEqualTo(MAX.toMillis() / 2 - 2));
    assertThat(registry.status("missing").state()).isEqualTo(AgentState.NO_CHANNEL);
  }

  @Test
  void callsWaitWithinTheirDeadlineUpToTheQueueBoundThenFailFastWithTheCause()
      throws Exception {
    FakeGuestAgent agent = agent("vm");
    SocketChannel holder = closer.add(RegistryTesting.holdChannel(agent.socketPath()));
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> agent.counters().connectionsAccepted() == 1);
    AgentRegistry registry = closer.add(registryBuilder().maxWaiting(3)
        .readyTimeout(Duration.ofSeconds(5)).build());
    AgentClient client = registry.client("vm").withTimeout(Duration.ofSeconds(30));
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> registry.status("vm").detail().contains("waiting for AgentReady"));

    List<CompletableFuture<Pong>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(client.ping());
    }
    // Past the bound: UNAVAILABLE at once, naming the state and its cause.
    for (CompletableFuture<Pong> overflow : calls.subList(3, 5)) {
      AgentException e = failure(overflow);
      assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
      assertThat(e.getMessage()).contains("CONNECTING").contains("waiting for AgentReady");
    }
    assertThat(calls.subList(0, 3)).noneMatch(CompletableFuture::isDone);
    // The waiting ones end with the attempt's failure, long before their 30 s deadline.
    for (CompletableFuture<Pong> waiting : calls.subList(0, 3)) {
      AgentException e = failure(waiting);
      assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
      assertThat(e.connectFailure()).isEqualTo(ConnectFailure.AGENT_SILENT);
    }
    holder.close();
  }

  @Test
  void aWaitingCallEndsAtItsDeadline() {
    FakeGuestAgent agent = agent("vm");
    closer.add(RegistryTesting.holdChannel(agent.socketPath()));
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> agent.counters().connectionsAccepted() == 1);
    AgentRegistry registry = closer.add(registryBuilder().readyTimeout(Duration.ofSeconds(20))
        .build());
    AgentClient client = registry.client("vm");
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> registry.status("vm").detail().contains("waiting for AgentReady"));
    long started = System.nanoTime();
    AgentException e = failure(client.withTimeout(Duration.ofMillis(300)).ping());
    assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
    assertThat(e.getMessage()).contains("waiting for a session");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
  }

  @Test
  void closeDisarmsEveryLoopAtOnceAndLeavesNoThreadBehind() throws Exception {
    Set<String> threadsBefore = RegistryTesting.sdkThreads();
    FakeGuestAgentFleet fleet = closer.add(FakeGuestAgentFleet.builder()
        .directory(tmp.resolve("fleet")).vmCount(10)
        .agents(a -> a.telemetryInterval(Duration.ofMillis(100))).start());
    FakeGuestAgent flapping = agent("flapping");
    flapping.faultAll(Fault.closeAfterReply());
    RegistryTesting.staleSocket(tmp.resolve("refused.agent.sock"));
    Map<String, Integer> attempts = new ConcurrentHashMap<>();
    AgentRegistry registry = AgentRegistry.builder()
        .resolver(EndpointResolver.firstExisting(EndpointResolver.directory(tmp),
            EndpointResolver.directory(fleet.directory())))
        .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(40))
        .metrics(new AgentMetrics() {
          @Override
          public void connectAttempt(String vmId, int attempt) {
            attempts.merge(vmId, 1, Integer::sum);
          }
        })
        .build();
    fleet.vmIds().forEach(registry::client);
    registry.client("flapping");
    registry.client("refused");
    registry.client("missing");
    for (String vm : fleet.vmIds()) {
      awaitState(registry, vm, AgentState.CONNECTED);
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        attempts.getOrDefault("flapping", 0) >= 3 && attempts.getOrDefault("refused", 0) >= 3
            && attempts.getOrDefault("missing", 0) >= 3);
    assertThat(RegistryTesting.sdkThreads()).isNotEmpty();

    registry.close();
    Map<String, Integer> atClose = Map.copyOf(attempts);
    long acceptedAtClose = flapping.counters().connectionsAccepted();
    assertThat(registry.statuses()).isEmpty();
    // Every thread this registry started has ended (threads of other registries are not ours).
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> threadsBefore.containsAll(RegistryTesting.sdkThreads()));
    for (String vm : fleet.vmIds()) {
      assertThat(fleet.agent(vm).awaitNoConnections(Duration.ofSeconds(5))).as(vm).isTrue();
    }
    // No loop runs any more: no attempt, no connection, for several backoff periods.
    Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
        .until(() -> attempts.equals(atClose)
            && flapping.counters().connectionsAccepted() == acceptedAtClose);
    AgentException closed = failure(CompletableFuture.supplyAsync(() -> registry.client("x")));
    assertThat(closed.code()).isEqualTo(Code.UNAVAILABLE);
  }
}
