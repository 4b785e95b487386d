package io.quantix.agent.it.real;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.Pong;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.it.Harness;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.RecordedRequest;
import io.quantix.agent.testkit.ScriptedReply;
import io.quantix.agent.transport.Endpoint;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, SDK side: the session against the fake agent in its real-agent modes (AgentReady only
 * when the port opens, restart in place, stale backlog, stderr stall, timed-out child left
 * running), over real Unix sockets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RealAgentSessionIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  /** A port-open-mode agent whose AgentReady an earlier host already took. */
  private FakeGuestAgent agentWithoutAgentReady() {
    FakeGuestAgent agent = keep(FakeGuestAgent.builder().agentReadyOnPortOpen(true)
        .telemetryInterval(Duration.ofMillis(200)).version("0.1.27").hostname("web-1").start());
    try (AgentRegistry first = registry(agent.endpoint())) {
      first.client("vm");
      Awaitility.await().atMost(WAIT).until(() -> first.status("vm").agentInfo().isPresent());
    }
    return agent;
  }

  private static AgentRegistry registry(String endpoint) {
    return AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm", List.of(Endpoint.parse(endpoint)))))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .readyTimeout(Duration.ofSeconds(5))
        .resetGrace(Duration.ofMillis(300))
        .build();
  }

  // 1. identity without AgentReady
  @Test
  void aSessionWithoutAgentReadyLearnsItsIdentityFromCapabilitiesPongAndTelemetry() {
    FakeGuestAgent agent = agentWithoutAgentReady();
    AgentRegistry registry = keep(registry(agent.endpoint()));
    var client = registry.client("vm");

    Awaitility.await().atMost(WAIT).until(() -> client.agentInfo()
        .map(i -> !i.capabilities().isEmpty() && "web-1".equals(i.hostname())).orElse(false));
    AgentInfo info = client.agentInfo().orElseThrow();
    assertThat(info.version()).isEqualTo("0.1.27");
    assertThat(info.supports("execute")).isTrue();
    assertThat(info.isKnown(AgentInfo.Field.VERSION)).isTrue();
    assertThat(info.isKnown(AgentInfo.Field.HOSTNAME)).isTrue();
    assertThat(info.isKnown(AgentInfo.Field.IP_ADDRESSES)).as("only AgentReady has them").isFalse();
    assertThat(info.source()).isEqualTo(AgentInfo.Source.CAPABILITIES);
    assertThat(registry.status("vm").agentInfo()).contains(info);

    // A later AgentReady replaces what was pieced together.
    agent.restartAgent();
    Awaitility.await().atMost(WAIT).until(() -> client.agentInfo()
        .map(i -> i.source() == AgentInfo.Source.AGENT_READY).orElse(false));
    assertThat(client.agentInfo().orElseThrow().isKnown(AgentInfo.Field.IP_ADDRESSES)).isTrue();
  }

  // 2. status carries the version from the first thing that told it
  @Test
  void theConnectedStatusCarriesTheVersionThePongTold() {
    FakeGuestAgent agent = agentWithoutAgentReady();
    AgentRegistry registry = keep(registry(agent.endpoint()));
    List<AgentStatus> connected = new CopyOnWriteArrayList<>();
    registry.addStatusListener((before, now) -> {
      if (now.state() == AgentState.CONNECTED) {
        connected.add(now);
      }
    });
    registry.client("vm");

    Awaitility.await().atMost(WAIT).until(() -> !connected.isEmpty());
    assertThat(connected.get(0).agentInfo()).as(connected.get(0).toString()).isPresent();
    assertThat(connected.get(0).agentInfo().get().version()).isEqualTo("0.1.27");
    assertThat(connected.get(0).detail()).contains("agent 0.1.27");
  }

  // 3. ping measures the ping alone, with its own sequence number
  @Test
  void pingMeasuresItsOwnRoundTripWithItsOwnSequence() throws Exception {
    FakeGuestAgent agent = agentWithoutAgentReady();
    // No AgentReady on this connection, so the session is ready on a pong. The readiness probe's pong comes 3 s late: a ping sent meanwhile waits for the session.
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.delay(Duration.ofSeconds(3))));
    AgentRegistry registry = keep(registry(agent.endpoint()));

    Pong pong = registry.client("vm").withTimeout(Duration.ofSeconds(30)).ping().join();

    assertThat(pong.roundTrip()).as("the wait for the session is not the ping's round trip")
        .isLessThan(Duration.ofSeconds(3));
    List<Long> sequences = new ArrayList<>();
    RecordedRequest r;
    while ((r = agent.takeRequest(Duration.ofMillis(100))) != null) {
      if (r.message().getPayloadCase() == PayloadCase.PING) {
        sequences.add(r.message().getPing().getSequence());
      }
    }
    assertThat(sequences).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
    assertThat(sequences).contains(pong.sequence());
  }

  // 4. a mid-session AgentReady is a guest reset that status listeners see
  @Test
  void anAgentRestartReachesAgentReadyAndStatusListeners() {
    Harness h = keep(new Harness()).awaitConnected();
    List<AgentInfo> readies = new CopyOnWriteArrayList<>();
    List<AgentStatus> statuses = new CopyOnWriteArrayList<>();
    h.client.onAgentReady(readies::add);
    h.registry.addStatusListener((before, now) -> statuses.add(now));

    h.agent.restartAgent();

    Awaitility.await().atMost(WAIT).until(() -> !readies.isEmpty());
    Awaitility.await().atMost(WAIT).until(() -> statuses.stream()
        .anyMatch(s -> s.detail().contains("agent restarted")));
    assertThat(h.registry.status(Harness.VM).state()).isEqualTo(AgentState.CONNECTED);
  }

  // 5. stale telemetry from before the session's first answer is never current
  @Test
  void staleBacklogIsNotDeliveredAsCurrentTelemetry() throws Exception {
    FakeGuestAgent agent = keep(FakeGuestAgent.builder().telemetryInterval(Duration.ofSeconds(5))
        .staleBacklog(19_000).start());
    AgentRegistry registry = keep(registry(agent.endpoint()));
    var client = registry.client("vm");
    List<Telemetry> seen = new CopyOnWriteArrayList<>();
    client.onTelemetry(seen::add);

    Pong pong = client.withTimeout(Duration.ofSeconds(20)).ping().join();
    Awaitility.await().atMost(WAIT).until(() -> !seen.isEmpty());

    for (Telemetry t : seen) {
      assertThat(t.guestUptime()).as("report of guest uptime %s delivered as current", t.guestUptime())
          .isGreaterThanOrEqualTo(pong.guestUptime().minusSeconds(3));
    }
    Telemetry latest = client.latestTelemetry().orElseThrow();
    assertThat(latest.agentTimestamp()).isPresent();
    assertThat(Duration.between(latest.agentTimestamp().get(), latest.receivedAt()).abs())
        .isLessThan(Duration.ofSeconds(4));
  }

  // 6a. legacy host, magic agent
  @Test
  void aLegacyHostFacingAMagicAgentFailsWithAHintAtOnce() {
    FakeGuestAgent agent = keep(FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start());
    AgentRegistry registry = keep(registry(agent.endpoint() + "?framing=legacy"));

    AgentException e = failure(() -> registry.client("vm").withTimeout(Duration.ofSeconds(30))
        .ping().join());

    assertThat(e.code()).as(e.toString()).isEqualTo(AgentException.Code.PROTOCOL);
    assertThat(e.getMessage()).contains("magic framing", "framing=auto");
  }

  // 6b. magic host, legacy agent
  @Test
  void aMagicHostFacingALegacyAgentFailsWithAHintAtOnce() throws Exception {
    Path dir = Files.createTempDirectory("legacy-agent");
    Path socket = dir.resolve("vm.sock");
    ServerSocketChannel server = keep(ServerSocketChannel.open(StandardProtocolFamily.UNIX));
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread legacyAgent = new Thread(() -> {
      try (SocketChannel ch = server.accept()) {
        byte[] ready = AgentMessage.newBuilder().setMessageId("11111111-2222-3333-4444-555555555555")
            .setAgentReady(AgentReadyEvent.newBuilder().setVersion("0.1.20")).build().toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(4 + ready.length).putInt(ready.length).put(ready);
        ch.write(frame.flip());
        ch.read(ByteBuffer.allocate(4096));
        ch.read(ByteBuffer.allocate(4096));
      } catch (Exception closed) {
        // the test ended
      }
    }, "legacy-agent");
    legacyAgent.setDaemon(true);
    legacyAgent.start();
    AgentRegistry registry = keep(registry("unix:" + socket + "?framing=magic"));

    AgentException e = failure(() -> registry.client("vm").withTimeout(Duration.ofSeconds(30))
        .ping().join());

    assertThat(e.code()).as(e.toString()).isEqualTo(AgentException.Code.PROTOCOL);
    assertThat(e.getMessage()).contains("legacy framing", "framing=auto");
  }

  // 8a. stderr over a pipe buffer stalls the real agent; merged stderr does not
  @Test
  void mergedStderrAvoidsTheAgentsStderrStall() {
    Harness h = keep(new Harness()).awaitConnected();
    Exec noisy = Exec.shell("seq 1 20000 >&2").withTimeout(Duration.ofSeconds(3));

    ExecResult stalled = h.client.exec(noisy).join();
    ExecResult merged = h.client.exec(noisy.withStderrMerged()).join();

    assertThat(stalled.timedOut()).as("the agent's defect, modelled by the fake").isTrue();
    assertThat(merged.timedOut()).as(merged.toString()).isFalse();
    assertThat(merged.exitCode()).isZero();
    assertThat(merged.stdout()).startsWith("1\n2\n").endsWith("20000\n");
    assertThat(merged.stderr()).isEmpty();
  }

  // 8b. a timed-out command does not keep running in the guest
  @Test
  void aTimedOutCommandIsKilledInTheGuest() {
    Harness h = keep(new Harness(b -> b.killTimedOutCommands(false), b -> b)).awaitConnected();

    ExecResult r = h.client.exec(Exec.shell("sleep 60").withTimeout(Duration.ofSeconds(2))
        .killingOnTimeout()).join();

    assertThat(r.timedOut()).as(r.toString()).isTrue();
    assertThat(h.agent.guest().runningCommands()).as("left running in the guest").isEmpty();
  }

  private static AgentException failure(Runnable call) {
    try {
      call.run();
      throw new AssertionError("expected a failure");
    } catch (CompletionException e) {
      return AgentException.from(e);
    }
  }
}
