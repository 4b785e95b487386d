package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.framing.FrameOutcome;
import io.quantix.agent.framing.FrameOutcome.DropReason;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.GetCapabilitiesRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ResourceLeakCheck.class)
class FaultTest {
  static final Duration SHORT = Duration.ofMillis(300);
  FakeGuestAgent agent;
  HostConnection host;

  @BeforeEach
  void start() throws Exception {
    agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).seed(7).build().start();
    host = HostConnection.open(agent);
    assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
  }

  @AfterEach
  void stop() throws Exception {
    host.close();
    agent.close();
  }

  private boolean dropped(DropReason reason) {
    return host.outcomes().stream().anyMatch(o -> o instanceof FrameOutcome.FrameDropped
        && ((FrameOutcome.FrameDropped) o).reason() == reason);
  }

  @Test
  void delayLetsLaterRepliesOvertake() throws Exception {
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.delay(SHORT)));
    AgentMessage slow = HostConnection.ping(1);
    AgentMessage fast = HostConnection.ping(2);
    long sent = System.nanoTime();
    host.send(slow);
    host.send(fast);
    assertThat(host.next().getMessageId()).isEqualTo(fast.getMessageId());
    assertThat(host.next().getMessageId()).isEqualTo(slow.getMessageId());
    assertThat((System.nanoTime() - sent) / 1_000_000).isGreaterThanOrEqualTo(SHORT.toMillis());
  }

  @Test
  void noReplyDropsTheAnswerOnly() throws Exception {
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.noReply()));
    host.send(HostConnection.ping(1));
    assertThat(host.read(SHORT)).isNull();
    assertThat(host.call(HostConnection.ping(2)).getPong().getSequence()).isEqualTo(2);
    assertThat(agent.takeRequest(SHORT).fault()).isEqualTo(Fault.noReply());
  }

  @Test
  void closeBeforeReplyEndsTheConnectionUnanswered() throws Exception {
    agent.fault(PayloadCase.PING, Fault.closeBeforeReply());
    host.send(HostConnection.ping(1));
    assertThat(host.awaitEof(Duration.ofSeconds(5))).isTrue();
    assertThat(host.buffered()).isEmpty();
  }

  @Test
  void closeAfterReplySendsThenEnds() throws Exception {
    agent.fault(PayloadCase.PING, Fault.closeAfterReply());
    AgentMessage ping = HostConnection.ping(1);
    host.send(ping);
    assertThat(host.next().getMessageId()).isEqualTo(ping.getMessageId());
    assertThat(host.awaitEof(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void garbageBeforeReplyIsSkippedByTheHost() throws Exception {
    agent.fault(PayloadCase.PING, Fault.garbageBeforeReply(100));
    AgentMessage ping = HostConnection.ping(1);
    assertThat(host.call(ping).getPong().getSequence()).isEqualTo(1);
    assertThat(host.outcomes()).containsExactly(new FrameOutcome.GarbageSkipped(100));
  }

  @Test
  void aTruncatedReplyIsLostAndTheHostResyncsOnTheNextFrame() throws Exception {
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.truncatedReply()));
    AgentMessage lost = HostConnection.ping(1);
    host.send(lost);
    assertThat(host.read(SHORT)).as("half a frame decodes to nothing").isNull();
    AgentMessage next = HostConnection.ping(2);
    host.send(next);
    assertThat(host.next().getMessageId()).isEqualTo(next.getMessageId());
    assertThat(dropped(DropReason.UNPARSABLE)).isTrue();
  }

  @Test
  void anOversizeLengthIsSkippedAndTheReplyStillArrives() throws Exception {
    agent.fault(PayloadCase.PING, Fault.oversizeLength());
    assertThat(host.call(HostConnection.ping(1)).getPong().getSequence()).isEqualTo(1);
    assertThat(dropped(DropReason.BAD_LENGTH)).isTrue();
  }

  @Test
  void anUnparsableFrameIsDroppedAndTheReplyStillArrives() throws Exception {
    agent.fault(PayloadCase.PING, Fault.unparsableFrame());
    assertThat(host.call(HostConnection.ping(1)).getPong().getSequence()).isEqualTo(1);
    assertThat(dropped(DropReason.UNPARSABLE)).isTrue();
  }

  @Test
  void duplicateAndUnknownIdReplies() throws Exception {
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.duplicateReply()));
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.unknownMessageId()));
    AgentMessage twice = HostConnection.ping(1);
    host.send(twice);
    assertThat(host.next().getMessageId()).isEqualTo(twice.getMessageId());
    assertThat(host.next().getMessageId()).isEqualTo(twice.getMessageId());
    AgentMessage orphan = HostConnection.ping(2);
    host.send(orphan);
    AgentMessage stranger = host.next();
    assertThat(stranger.getPong().getSequence()).isEqualTo(2);
    assertThat(stranger.getMessageId()).isNotEqualTo(orphan.getMessageId()).matches(SessionStartTest.UUID);
  }

  @Test
  void agentReadyMidSessionAndGuestResetLosingInFlightReplies() throws Exception {
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.agentReadyBeforeReply()));
    AgentMessage ping = HostConnection.ping(1);
    host.send(ping);
    assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
    assertThat(host.next().getMessageId()).isEqualTo(ping.getMessageId());

    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.delay(SHORT)));
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.guestReset()));
    host.send(HostConnection.ping(2));
    host.send(HostConnection.ping(3));
    assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
    assertThat(host.read(Duration.ofMillis(600))).as("the delayed reply was lost in the reset").isNull();
    assertThat(host.call(HostConnection.ping(4)).getPong().getSequence()).isEqualTo(4);
  }

  @Test
  void guestResetOnDemandLosesWhatIsInFlight() throws Exception {
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.delay(SHORT)));
    host.send(HostConnection.ping(1));
    agent.takeRequest(Duration.ofSeconds(2));
    agent.guestReset();
    assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
    assertThat(host.read(Duration.ofMillis(600))).isNull();
    agent.sendAgentReady();
    assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
  }

  @Test
  void stallStopsReadingForAWhileThenCatchesUp() throws Exception {
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.stall(Duration.ofMillis(600))));
    AgentMessage first = HostConnection.ping(1);
    AgentMessage second = HostConnection.ping(2);
    host.send(first);
    assertThat(agent.takeRequest(Duration.ofSeconds(2)).message()).isEqualTo(first);
    host.send(second);
    assertThat(agent.takeRequest(SHORT)).as("not read during the stall").isNull();
    assertThat(host.next().getMessageId()).isEqualTo(first.getMessageId());
    assertThat(host.next().getMessageId()).isEqualTo(second.getMessageId());
  }

  @Test
  void anEndlessStallNeverReadsAgainButTelemetryFlows() throws Exception {
    try (FakeGuestAgent stalling = FakeGuestAgent.builder().telemetryInterval(Duration.ofMillis(100)).build().start();
        HostConnection conn = HostConnection.open(stalling)) {
      conn.next();
      stalling.fault(PayloadCase.PING, Fault.stall(Duration.ZERO));
      conn.send(HostConnection.ping(1));
      stalling.takeRequest(Duration.ofSeconds(2));
      conn.send(HostConnection.ping(2));
      assertThat(stalling.takeRequest(SHORT)).isNull();
      for (int i = 0; i < 3; i++) {
        assertThat(conn.next().getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
      }
    }
  }

  @Test
  void dribbleWritesSlowlyAndHoldsTheWriter() throws Exception {
    agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.dribble(4, Duration.ofMillis(20))));
    AgentMessage ping = HostConnection.ping(1);
    long before = agent.counters().bytesSent();
    long sent = System.nanoTime();
    host.send(ping);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> agent.counters().bytesSent() > before);
    agent.sendEvent(AgentMessage.newBuilder().setError(io.quantix.agent.proto.ErrorEvent.newBuilder()).build());
    AgentMessage reply = host.next();
    assertThat(reply.getMessageId()).isEqualTo(ping.getMessageId());
    int chunks = (8 + reply.getSerializedSize() + 3) / 4;
    assertThat((System.nanoTime() - sent) / 1_000_000).isGreaterThanOrEqualTo((chunks - 1) * 20L);
    assertThat(host.next().getPayloadCase()).as("the event waited behind the dribbled frame").isEqualTo(PayloadCase.ERROR);
  }

  @Test
  void faultsCombineAndPerTypeFaultsWinOverFaultAll() throws Exception {
    agent.faultAll(Fault.noReply());
    agent.fault(PayloadCase.PING, Fault.delay(Duration.ofMillis(50)).then(Fault.duplicateReply()));
    AgentMessage ping = HostConnection.ping(1);
    host.send(ping);
    assertThat(host.next().getMessageId()).isEqualTo(ping.getMessageId());
    assertThat(host.next().getMessageId()).isEqualTo(ping.getMessageId());
    host.send(HostConnection.request(AgentMessage.newBuilder().setGetCapabilities(GetCapabilitiesRequest.getDefaultInstance())));
    assertThat(host.read(SHORT)).isNull();
    agent.clearFaults();
    assertThat(host.call(HostConnection.ping(2)).getPong().getSequence()).isEqualTo(2);
  }

  @Test
  void randomFaultsAreReproducibleFromTheSeed() throws Exception {
    List<List<Fault>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (FakeGuestAgent seeded = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).seed(42).build().start();
          HostConnection conn = HostConnection.open(seeded)) {
        conn.next();
        seeded.randomFaults(RandomFaults.of(0.5, Fault.noReply(), Fault.duplicateReply()).onlyFor(PayloadCase.PING));
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          conn.send(HostConnection.ping(i));
        }
        for (int i = 0; i < 40; i++) {
          faults.add(seeded.takeRequest(Duration.ofSeconds(2)).fault());
        }
        runs.add(faults);
      }
    }
    assertThat(runs.get(0)).isEqualTo(runs.get(1));
    assertThat(runs.get(0)).contains(Fault.none(), Fault.noReply(), Fault.duplicateReply());
  }

  @Test
  void theAgentSkipsGarbageFromTheHostAndGivesUpAfter64KiB() throws Exception {
    host.sendRaw(new byte[] {1, 2, 3, 4});
    assertThat(host.call(HostConnection.ping(1)).getPong().getSequence()).as("4 garbage bytes are skipped").isEqualTo(1);
    agent.sendRaw(new byte[] {9, 9, 9});
    assertThat(host.call(HostConnection.ping(2)).getPong().getSequence()).isEqualTo(2);
    host.sendRaw(new byte[70 * 1024]);
    assertThat(host.awaitEof(Duration.ofSeconds(5))).as("no magic in 64 KiB tears the session down").isTrue();
  }
}
