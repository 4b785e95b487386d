package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ErrorEvent;
import io.quantix.agent.proto.FileStatRequest;
import io.quantix.agent.proto.PongResponse;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reply path under pipelining: replies to one read batch leave in one flush, replies made
 * outside a read (timers, workers, events) still leave at once, and cheap built-in handlers answer
 * on the event loop without the worker pool.
 */
@ExtendWith(ResourceLeakCheck.class)
class ReplyPathTest {
  private static final int PIPELINED = 64;

  private static FakeGuestAgentBuilder quiet() {
    return FakeGuestAgent.builder().telemetryInterval(Duration.ZERO);
  }

  /** {@code count} pings encoded back to back, to be sent in one write. */
  private static byte[] pings(List<AgentMessage> into, int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      AgentMessage ping = HostConnection.ping(i);
      into.add(ping);
      ByteBuf frame = FrameEncoder.encode(ping, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
      try {
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        out.writeBytes(bytes);
      } finally {
        frame.release();
      }
    }
    return out.toByteArray();
  }

  private static long flushes(FakeGuestAgent agent) {
    return agent.core().counters().flushes();
  }

  private static long workerTasks(FakeGuestAgent agent) {
    return ((ThreadPoolExecutor) agent.core().runtime().workers()).getTaskCount();
  }

  @Test
  void pingsPipelinedInOneWriteAreAnsweredInOrderWithFarFewerFlushesThanReplies() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      long flushesBefore = flushes(agent);
      long framesBefore = agent.counters().framesSent();
      List<AgentMessage> sent = new ArrayList<>();
      host.sendRaw(pings(sent, PIPELINED));
      for (AgentMessage ping : sent) {
        AgentMessage pong = host.next();
        assertThat(pong.getMessageId()).isEqualTo(ping.getMessageId());
        assertThat(pong.getPong().getSequence()).isEqualTo(ping.getPing().getSequence());
      }
      assertThat(agent.counters().framesSent() - framesBefore).isEqualTo(PIPELINED);
      // One write from the host is one read batch for the agent (a few reads at most, if the
      // kernel splits it), and each batch's replies leave in one flush; before, one per reply.
      assertThat(flushes(agent) - flushesBefore).as("flushes for %d replies", PIPELINED).isBetween(1L, 4L);
    }
  }

  @Test
  void builtInPingRunsOnTheEventLoopWhileUserHandlersAndFileHandlersUseTheWorkers() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      List<AgentMessage> sent = new ArrayList<>();
      host.sendRaw(pings(sent, PIPELINED));
      for (AgentMessage ping : sent) {
        assertThat(host.next().getMessageId()).isEqualTo(ping.getMessageId());
      }
      AgentMessage capabilities = host.call(HostConnection.request(AgentMessage.newBuilder()
          .setGetCapabilities(io.quantix.agent.proto.GetCapabilitiesRequest.newBuilder())));
      assertThat(capabilities.getPayloadCase()).isEqualTo(PayloadCase.GET_CAPABILITIES_RESPONSE);
      assertThat(workerTasks(agent)).as("tasks given to the worker pool").isZero();

      AgentMessage stat = host.call(HostConnection.request(AgentMessage.newBuilder()
          .setFileStat(FileStatRequest.newBuilder().setPath("/etc/hostname"))));
      assertThat(stat.getPayloadCase()).isEqualTo(PayloadCase.FILE_STAT_RESPONSE);
      assertThat(workerTasks(agent)).as("a file handler runs on a worker").isEqualTo(1);

      List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
      agent.onRequest(PayloadCase.PING, request -> {
        threads.add(Thread.currentThread().getName());
        return AgentMessage.newBuilder().setPong(PongResponse.newBuilder().setSequence(77)).build();
      });
      assertThat(host.call(HostConnection.ping(1)).getPong().getSequence()).isEqualTo(77);
      assertThat(threads).singleElement().asString().contains("worker");
      assertThat(workerTasks(agent)).as("a user handler runs on a worker").isEqualTo(2);

      agent.onRequest(PayloadCase.PING, null);
      assertThat(host.call(HostConnection.ping(2)).getPong().getSequence()).isEqualTo(2);
      assertThat(workerTasks(agent)).as("the restored built-in ping is inline again").isEqualTo(2);
    }
  }

  @Test
  void aDelayedReplyLeavesWithoutAnyFurtherTrafficFromTheHost() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      agent.fault(PayloadCase.PING, Fault.delay(Duration.ofMillis(100)));
      AgentMessage ping = HostConnection.ping(5);
      host.send(ping);
      // The reply is written by a timer task, outside any read: its flush must not wait for the
      // next read (there is none) nor for another write.
      AgentMessage pong = host.next();
      assertThat(pong.getMessageId()).isEqualTo(ping.getMessageId());
      assertThat(host.silentFor(Duration.ofMillis(100))).isTrue();
    }
  }

  @Test
  void aReplyCompletedLaterOnAnotherThreadAndAnEventLeaveAtOnce() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      CompletableFuture<AgentMessage> later = new CompletableFuture<>();
      agent.onRequestAsync(PayloadCase.PING, request -> later);
      AgentMessage ping = HostConnection.ping(6);
      host.send(ping);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> agent.requestCount() == 1);
      assertThat(host.silentFor(Duration.ofMillis(100))).isTrue();
      later.complete(AgentMessage.newBuilder().setPong(PongResponse.newBuilder().setSequence(66)).build());
      AgentMessage pong = host.next();
      assertThat(pong.getMessageId()).isEqualTo(ping.getMessageId());
      assertThat(pong.getPong().getSequence()).isEqualTo(66);

      agent.sendEvent(AgentMessage.newBuilder().setError(ErrorEvent.newBuilder().setMessage("disk full")).build());
      assertThat(host.next().getError().getMessage()).isEqualTo("disk full");
    }
  }

  @Test
  void telemetryFromTheTimerLeavesWithoutHostTraffic() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ofMillis(50)).build().start();
        HostConnection host = HostConnection.open(agent)) {
      assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      for (int i = 0; i < 3; i++) {
        assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
      }
    }
  }

  @Test
  void aBatchOfPingsBeyondMaxInFlightWaitsBehindADelayedOneAndThenAllAreAnsweredInOrder() throws Exception {
    try (FakeGuestAgent agent = quiet().maxInFlight(1).build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.delay(Duration.ofMillis(200))));
      List<AgentMessage> sent = new ArrayList<>();
      int count = 400;
      host.sendRaw(pings(sent, count));
      for (AgentMessage ping : sent) {
        AgentMessage pong = host.next();
        assertThat(pong.getMessageId()).isEqualTo(ping.getMessageId());
      }
      assertThat(agent.requestCount()).isEqualTo(count);
      assertThat(host.silentFor(Duration.ofMillis(50))).isTrue();
    }
  }

  @Test
  void aFrameWrittenJustBeforeACloseStillReachesTheHost() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      agent.fault(PayloadCase.PING, Fault.agentReadyBeforeReply().then(Fault.closeBeforeReply()));
      host.send(HostConnection.ping(1));
      assertThat(host.next().getPayloadCase()).as("written, then flushed before the close")
          .isEqualTo(PayloadCase.AGENT_READY);
      assertThat(host.awaitEof(HostConnection.WAIT)).isTrue();
    }
  }
}
