package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.FileStatRequest;
import io.quantix.agent.proto.PongResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The public Dispatcher: consulted per request, the built-in agent by default, composing with scripts and faults. */
@ExtendWith(ResourceLeakCheck.class)
class DispatcherTest {

  private static FakeGuestAgent quiet() {
    return FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start();
  }

  private static AgentMessage pong(String version) {
    return AgentMessage.newBuilder().setPong(PongResponse.newBuilder().setVersion(version)).build();
  }

  private static AgentMessage stat(String path) {
    return HostConnection.request(AgentMessage.newBuilder().setFileStat(FileStatRequest.newBuilder().setPath(path)));
  }

  @Test
  void aCustomDispatcherSeesEveryRequestAndHandsTheRestToTheBuiltInAgent() throws Exception {
    try (FakeGuestAgent agent = quiet(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      List<RecordedRequest> seen = new CopyOnWriteArrayList<>();
      Dispatcher builtIn = agent.defaultDispatcher();
      agent.dispatcher(request -> {
        seen.add(request);
        return request.payloadCase() == PayloadCase.PING
            ? CompletableFuture.completedFuture(pong("9.9.9")) : builtIn.dispatch(request);
      });

      AgentMessage ping = HostConnection.ping(3);
      AgentMessage reply = host.call(ping);
      assertThat(reply.getMessageId()).as("the empty id is filled").isEqualTo(ping.getMessageId());
      assertThat(reply.getPong().getVersion()).isEqualTo("9.9.9");
      assertThat(host.call(stat("/")).getFileStatResponse().getSuccess()).as("built-in answer").isTrue();
      assertThat(seen).extracting(RecordedRequest::payloadCase).containsExactly(PayloadCase.PING, PayloadCase.FILE_STAT);
      assertThat(seen.get(0).sequence()).isEqualTo(1);
      assertThat(seen.get(0).connection()).isEqualTo(1);

      agent.dispatcher(null);
      assertThat(host.call(HostConnection.ping(4)).getPong().getVersion()).as("built-in restored").isEqualTo("0.1.27");
      assertThat(seen).hasSize(2);
    }
  }

  @Test
  void scriptedRepliesAndHandlersGoFirstAndFaultsApplyToTheDispatchersReply() throws Exception {
    try (FakeGuestAgent agent = quiet(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      agent.dispatcher(request -> CompletableFuture.completedFuture(pong("from-dispatcher")));
      agent.enqueue(PayloadCase.PING, ScriptedReply.of(pong("scripted")));
      assertThat(host.call(HostConnection.ping(1)).getPong().getVersion()).isEqualTo("scripted");

      agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.duplicateReply()));
      AgentMessage ping = HostConnection.ping(2);
      assertThat(host.call(ping).getPong().getVersion()).isEqualTo("from-dispatcher");
      assertThat(host.replyTo(ping).getPong().getVersion()).as("duplicated").isEqualTo("from-dispatcher");

      agent.onRequest(PayloadCase.PING, request -> pong("handler"));
      assertThat(host.call(HostConnection.ping(3)).getPong().getVersion()).isEqualTo("handler");
      agent.onRequest(PayloadCase.PING, null);
      assertThat(host.call(HostConnection.ping(4)).getPong().getVersion()).isEqualTo("from-dispatcher");
    }
  }

  @Test
  void aDispatcherThatFailsOrAnswersNullSendsNoReply() throws Exception {
    try (FakeGuestAgent agent = quiet(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      agent.dispatcher(request -> {
        if (request.message().getPing().getSequence() == 1) {
          throw new IllegalStateException("boom (expected by the test)");
        }
        return request.message().getPing().getSequence() == 2
            ? CompletableFuture.completedFuture(null) : CompletableFuture.completedFuture(pong("ok"));
      });
      host.send(HostConnection.ping(1));
      host.send(HostConnection.ping(2));
      AgentMessage third = HostConnection.ping(3);
      host.send(third);
      AgentMessage reply = host.next();
      assertThat(reply.getMessageId()).as("only the third is answered").isEqualTo(third.getMessageId());
    }
  }
}
