package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.proto.PongResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The session on an embedded channel, with a recording owner: no sockets, no sleeping. */
@Timeout(30)
class SessionHandlerTest {
  private final MockTicker ticker = Ticker.newMockTicker();
  private EmbeddedChannel ch;
  private LinkTesting.RecordingOwner owner;
  private SessionHandler session;

  @BeforeEach
  void setUp() {
    ch = LinkTesting.channel(ticker);
    owner = new LinkTesting.RecordingOwner(ch, 2);
    FrameDecoder decoder = new FrameDecoder(FrameFormat.MAGIC);
    session = new SessionHandler(owner, owner, decoder);
    ch.pipeline().addLast(decoder, session);
  }

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
  }

  /** Feeds one frame as the agent would send it (a host drops frames without a message_id). */
  private void feed(AgentMessage m) {
    ch.writeInbound(FrameEncoder.encode(m, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC));
    ch.runPendingTasks();
  }

  @Test
  void aCallIsWrittenThenMatchedWithItsReplyByMessageId() {
    Call<AgentMessage> call = LinkTesting.ping(Duration.ofSeconds(5), ticker);
    session.send(call);

    ByteBuf written = ch.readOutbound();
    assertThat(written).isNotNull();
    ReferenceCountUtil.release(written);
    assertThat(call.stage()).isEqualTo(Call.Stage.AWAITING);
    assertThat(call.session()).isSameAs(session);
    assertThat(session.pendingCount()).isEqualTo(1);

    feed(AgentMessage.newBuilder().setMessageId(call.messageId())
        .setPong(PongResponse.newBuilder().setSequence(7)).build());

    assertThat(owner.replied).containsExactly(call);
    assertThat(call.stage()).isEqualTo(Call.Stage.DONE);
    assertThat(call.future.join().getPong().getSequence()).isEqualTo(7);
    assertThat(owner.events).containsExactly("pong before ready");
    assertThat(session.isReady()).isTrue();
  }

  @Test
  void aReplyOfTheWrongKindFailsTheCallAsAProtocolError() {
    Call<AgentMessage> call = LinkTesting.ping(Duration.ofSeconds(5), ticker);
    session.send(call);
    ReferenceCountUtil.release(ch.readOutbound());

    feed(AgentMessage.newBuilder().setMessageId(call.messageId())
        .setExecuteResponse(ExecuteResponse.newBuilder().setExitCode(0)).build());

    assertThat(owner.failures).extracting(e -> e.code()).containsExactly(Code.PROTOCOL);
    assertThat(owner.mayHaveRun).containsExactly(true);
  }

  @Test
  void agentReadyMarksTheSessionReadyAndReachesTheOwner() {
    feed(AgentMessage.newBuilder().setMessageId("evt-1")
        .setAgentReady(AgentReadyEvent.newBuilder().setVersion("0.1.27")).build());
    assertThat(session.isReady()).isTrue();
    assertThat(owner.events).containsExactly("ready 0.1.27");
  }

  @Test
  void theChannelEndingFailsEveryPendingCallAndTellsTheOwnerFirst() {
    Call<AgentMessage> call = LinkTesting.ping(Duration.ofSeconds(5), ticker);
    session.send(call);
    ReferenceCountUtil.release(ch.readOutbound());

    ch.close();
    ch.runPendingTasks();

    assertThat(owner.events).containsExactly("closed UNAVAILABLE");
    assertThat(owner.failures).extracting(e -> e.code()).containsExactly(Code.UNAVAILABLE);
    assertThat(owner.mayHaveRun).containsExactly(true);
    assertThat(call.session()).isNull();
    assertThat(session.isOpen()).isFalse();
  }

  @Test
  void silenceProbesFirstThenDeclaresTheAgentSilentAfterTheMisses() {
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    assertThat(owner.events).containsExactly("probe");
    assertThat(ch.isOpen()).isTrue();

    ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    ch.runPendingTasks();

    assertThat(owner.events).startsWith("probe", "keep-alive lost");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void anAnswerBetweenIdlePeriodsResetsTheMisses() {
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    feed(AgentMessage.newBuilder().setMessageId("evt-2")
        .setAgentReady(AgentReadyEvent.newBuilder().setVersion("1")).build());
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);

    assertThat(owner.events).containsExactly("probe", "ready 1", "probe");
    assertThat(ch.isOpen()).isTrue();
  }
}
