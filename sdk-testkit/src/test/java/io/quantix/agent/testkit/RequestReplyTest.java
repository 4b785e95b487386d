package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ErrorEvent;
import io.quantix.agent.proto.GetCapabilitiesRequest;
import io.quantix.agent.proto.PongResponse;
import io.quantix.agent.testkit.internal.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ResourceLeakCheck.class)
class RequestReplyTest {

  private static FakeGuestAgentBuilder quiet() {
    return FakeGuestAgent.builder().telemetryInterval(Duration.ZERO);
  }

  @Test
  void pingEchoesSequenceAndMessageIdWithVersionAndGuestUptime() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      AgentMessage ping = HostConnection.ping(42);
      AgentMessage pong = host.call(ping);
      assertThat(pong.getPayloadCase()).isEqualTo(PayloadCase.PONG);
      assertThat(pong.getPayloadCase().getNumber()).isEqualTo(ping.getPayloadCase().getNumber() + 40);
      assertThat(pong.getMessageId()).isEqualTo(ping.getMessageId());
      assertThat(pong.getPong().getSequence()).isEqualTo(42);
      assertThat(pong.getPong().getVersion()).isEqualTo("0.1.27");
      assertThat(pong.getPong().getUptimeSeconds()).isGreaterThan(3600);
      RecordedRequest recorded = agent.takeRequest(Duration.ofSeconds(1));
      assertThat(recorded.message()).isEqualTo(ping);
      assertThat(recorded.sequence()).isEqualTo(1);
      assertThat(recorded.connection()).isEqualTo(1);
      assertThat(recorded.fault()).isEqualTo(Fault.none());
      assertThat(agent.takeRequest(Duration.ofMillis(50))).isNull();
    }
  }

  @Test
  void emptyMessageIdIsAcceptedAndEchoed() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start();
        HostConnection host = HostConnection.openLenient(agent.socketPath())) {
      host.next();
      host.send(AgentMessage.newBuilder().setPing(io.quantix.agent.proto.PingRequest.newBuilder().setSequence(5)).build());
      AgentMessage pong = host.next();
      assertThat(pong.getMessageId()).isEmpty();
      assertThat(pong.getPong().getSequence()).isEqualTo(5);
      assertThat(agent.takeRequest(Duration.ofSeconds(2)).message().getMessageId()).isEmpty();
    }
  }

  @Test
  void responsesAndEventsSentToTheGuestGetNoReply() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      host.send(HostConnection.request(AgentMessage.newBuilder().setPong(PongResponse.newBuilder().setSequence(1))));
      host.send(HostConnection.request(AgentMessage.newBuilder().setError(ErrorEvent.newBuilder().setMessage("x"))));
      AgentMessage ping = HostConnection.ping(9);
      host.send(ping);
      assertThat(host.nextNonTelemetry().getMessageId()).isEqualTo(ping.getMessageId());
      assertThat(agent.takeRequest(Duration.ofSeconds(1)).payloadCase()).isEqualTo(PayloadCase.PONG);
      assertThat(agent.takeRequest(Duration.ofSeconds(1)).payloadCase()).isEqualTo(PayloadCase.ERROR);
      assertThat(agent.takeRequest(Duration.ofSeconds(1)).payloadCase()).isEqualTo(PayloadCase.PING);
      assertThat(agent.counters().framesReceived()).isEqualTo(3);
    }
  }

  @Test
  void framesWithoutAKnownPayloadAreDroppedUnanswered() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      host.send(AgentMessage.newBuilder().setMessageId(Messages.newId()).build());
      host.send(AgentMessage.newBuilder().setMessageId(Messages.newId()).setUnknownFields(
          com.google.protobuf.UnknownFieldSet.newBuilder().addField(99, com.google.protobuf.UnknownFieldSet.Field
              .newBuilder().addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("a newer request")).build())
              .build()).build());
      AgentMessage ping = HostConnection.ping(1);
      assertThat(host.call(ping).getMessageId()).as("the first answer is the ping's").isEqualTo(ping.getMessageId());
      assertThat(agent.counters().framesDropped()).isEqualTo(2);
      assertThat(agent.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void aHandlerMayCloseItsOwnAgent() throws Exception {
    FakeGuestAgent agent = quiet().build().start();
    try (HostConnection host = HostConnection.open(agent)) {
      host.next();
      agent.onRequest(PayloadCase.PING, request -> {
        agent.close();
        return null;
      });
      host.send(HostConnection.ping(1));
      assertThat(host.awaitEof(Duration.ofSeconds(5))).isTrue();
    } finally {
      agent.close();
    }
    assertThat(agent.socketPath()).doesNotExist();
  }

  @Test
  void requestsRunConcurrentlySoASlowOneIsOvertaken() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      agent.onRequest(PayloadCase.GET_CAPABILITIES, request -> {
        release.await(5, TimeUnit.SECONDS);
        return agent.defaultHandler(PayloadCase.GET_CAPABILITIES).handle(request).toCompletableFuture().get();
      });
      host.next();
      AgentMessage slow = HostConnection.request(AgentMessage.newBuilder().setGetCapabilities(GetCapabilitiesRequest.getDefaultInstance()));
      AgentMessage fast = HostConnection.ping(1);
      host.send(slow);
      host.send(fast);
      assertThat(host.next().getMessageId()).isEqualTo(fast.getMessageId());
      release.countDown();
      AgentMessage capabilities = host.next();
      assertThat(capabilities.getMessageId()).isEqualTo(slow.getMessageId());
      assertThat(capabilities.getGetCapabilitiesResponse().getCapabilitiesList()).hasSize(24)
          .doesNotContain("user_context_exec");
      assertThat(capabilities.getGetCapabilitiesResponse().getFeaturesMap())
          .containsEntry("user_context_exec", "true").containsEntry("fsfreeze", "true");
    }
  }

  @Test
  void reverseOrderBatchesAnswerNewestFirst() throws Exception {
    try (FakeGuestAgent agent = quiet().reverseOrder(3).build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      List<AgentMessage> pings = List.of(HostConnection.ping(1), HostConnection.ping(2), HostConnection.ping(3));
      for (AgentMessage ping : pings) {
        host.send(ping);
      }
      List<Long> order = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        order.add(host.next().getPong().getSequence());
      }
      assertThat(order).containsExactly(3L, 2L, 1L);
      AgentMessage lone = HostConnection.ping(4);
      assertThat(host.call(lone).getPong().getSequence()).as("a partial batch goes out after the window").isEqualTo(4);
    }
  }

  @Test
  void readingPausesWhileTooManyRequestsAreUnanswered() throws Exception {
    List<CompletableFuture<AgentMessage>> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (FakeGuestAgent agent = quiet().maxInFlight(5).build().start(); HostConnection host = HostConnection.open(agent)) {
      agent.onRequestAsync(PayloadCase.PING, request -> {
        CompletableFuture<AgentMessage> reply = new CompletableFuture<>();
        held.add(reply);
        return reply;
      });
      host.next();
      for (int i = 0; i < 20; i++) {
        host.send(HostConnection.ping(i));
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 5);
      assertThat(host.read(Duration.ofMillis(300))).isNull();
      assertThat(agent.requestCount()).as("the rest stays unread in the socket").isEqualTo(5);
      agent.onRequest(PayloadCase.PING, null);
      held.forEach(reply -> reply.complete(null));
      for (int i = 5; i < 20; i++) {
        assertThat(host.next().getPong().getSequence()).isBetween(5L, 19L);
      }
      assertThat(agent.requestCount()).isEqualTo(20);
    }
  }

  @Test
  void handlersCanBeReplacedSyncOrAsyncAndRestored() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      agent.onRequest(PayloadCase.PING, request -> AgentMessage.newBuilder()
          .setPong(PongResponse.newBuilder().setSequence(request.getPing().getSequence() * 10).setVersion("9.9.9")).build());
      AgentMessage reply = host.call(HostConnection.ping(7));
      assertThat(reply.getPong().getSequence()).isEqualTo(70);
      assertThat(reply.getPong().getVersion()).isEqualTo("9.9.9");
      assertThat(reply.hasTimestamp()).isTrue();

      agent.onRequestAsync(PayloadCase.PING, request -> CompletableFuture.supplyAsync(() -> AgentMessage.newBuilder()
          .setPong(PongResponse.newBuilder().setSequence(1234)).build()));
      assertThat(host.call(HostConnection.ping(1)).getPong().getSequence()).isEqualTo(1234);

      agent.onRequest(PayloadCase.PING, request -> null);
      AgentMessage unanswered = HostConnection.ping(2);
      host.send(unanswered);
      assertThat(host.read(Duration.ofMillis(300))).isNull();

      agent.onRequest(PayloadCase.PING, request -> {
        throw new IllegalStateException("handler bug");
      });
      host.send(HostConnection.ping(3));
      assertThat(host.read(Duration.ofMillis(300))).as("a failing handler sends nothing").isNull();

      agent.onRequest(PayloadCase.PING, null);
      assertThat(host.call(HostConnection.ping(8)).getPong().getVersion()).isEqualTo("0.1.27");
    }
  }

  @Test
  void enqueuedRepliesAndEventsGoOutOnceInOrder() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      AgentMessage event = AgentMessage.newBuilder().setError(ErrorEvent.newBuilder().setMessage("disk almost full")).build();
      AgentMessage pong = AgentMessage.newBuilder().setPong(PongResponse.newBuilder().setSequence(99)).build();
      agent.enqueue(PayloadCase.PING, ScriptedReply.of(event, pong));
      agent.enqueue(ScriptedReply.noReply());
      AgentMessage first = HostConnection.ping(1);
      host.send(first);
      AgentMessage gotEvent = host.next();
      assertThat(gotEvent.getPayloadCase()).isEqualTo(PayloadCase.ERROR);
      assertThat(gotEvent.getMessageId()).isNotEqualTo(first.getMessageId()).hasSize(36);
      AgentMessage gotReply = host.next();
      assertThat(gotReply.getMessageId()).isEqualTo(first.getMessageId());
      assertThat(gotReply.getPong().getSequence()).isEqualTo(99);

      AgentMessage second = HostConnection.ping(2);
      host.send(second);
      assertThat(host.read(Duration.ofMillis(300))).as("the any-type one-shot: no reply").isNull();
      assertThat(host.call(HostConnection.ping(3)).getPong().getSequence()).as("back to the handler").isEqualTo(3);
    }
  }

  @Test
  void sendEventPushesToTheConnectedHostAndCountersAddUp() throws Exception {
    try (FakeGuestAgent agent = quiet().build().start(); HostConnection host = HostConnection.open(agent)) {
      AgentMessage ready = host.next();
      agent.sendEvent(AgentMessage.newBuilder().setError(ErrorEvent.newBuilder().setCode("QXGA-1001")).build());
      AgentMessage event = host.next();
      assertThat(event.getError().getCode()).isEqualTo("QXGA-1001");
      assertThat(event.getMessageId()).matches(SessionStartTest.UUID);
      AgentMessage ping = HostConnection.ping(1);
      AgentMessage pong = host.call(ping);
      FakeAgentCounters counters = agent.counters();
      assertThat(counters.connectionsAccepted()).isEqualTo(1);
      assertThat(counters.openConnections()).isEqualTo(1);
      assertThat(counters.framesReceived()).isEqualTo(1);
      assertThat(counters.bytesReceived()).isEqualTo(8 + ping.getSerializedSize());
      assertThat(counters.framesSent()).isEqualTo(3);
      assertThat(counters.bytesSent()).isEqualTo(24 + ready.getSerializedSize() + event.getSerializedSize()
          + pong.getSerializedSize());
      assertThat(Messages.isEvent(event.getPayloadCase())).isTrue();
    }
  }
}
