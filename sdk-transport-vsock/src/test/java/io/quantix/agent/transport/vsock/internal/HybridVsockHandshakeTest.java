package io.quantix.agent.transport.vsock.internal;

import io.quantix.agent.transport.internal.ConnectAttempt;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The handshake handler on its own: event order, byte hand-over and buffer ownership. */
class HybridVsockHandshakeTest {
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final ConnectAttempt attempt = new ConnectAttempt("hvsock:/v.sock?port=7");

  private final class Next extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      log.add("added");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      log.add("active");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      log.add("read " + buf.toString(StandardCharsets.US_ASCII));
      buf.release();
    }
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void okInstallsTheNextHandlerThenActiveThenTheFutureThenTheRestOfTheRead() {
    HybridVsockHandshake handshake = new HybridVsockHandshake(7, new Next(), attempt);
    attempt.result().thenRun(() -> log.add("future"));
    EmbeddedChannel channel = new EmbeddedChannel(handshake);
    handshake.start();
    ByteBuf sent = channel.readOutbound();
    assertThat(sent.toString(StandardCharsets.US_ASCII)).isEqualTo("CONNECT 7\n");
    sent.release();

    ByteBuf first = ascii("OK 10");
    ByteBuf second = ascii("24\nhello");
    channel.writeInbound(first);
    assertThat(log).isEmpty();
    channel.writeInbound(second);
    assertThat(log).containsExactly("added", "active", "future", "read hello");
    assertThat(first.refCnt()).isZero();
    assertThat(second.refCnt()).isZero();
    assertThat(channel.pipeline().get(HybridVsockHandshake.class)).isNull();
    channel.writeInbound(ascii("more"));
    assertThat(log).endsWith("read more");
    channel.finishAndReleaseAll();
  }

  @Test
  void aWrongAnswerFailsAndReleasesTheBuffer() {
    EmbeddedChannel channel = new EmbeddedChannel(new HybridVsockHandshake(7, new Next(), attempt));
    ByteBuf answer = ascii("NO\nrest");
    channel.writeInbound(answer);
    assertThat(answer.refCnt()).isZero();
    assertThat(attempt.result()).isCompletedExceptionally();
    AgentException e = AgentException.from(attempt.result().handle((c, t) -> t).join());
    assertThat(e.connectFailure()).isEqualTo(ConnectFailure.HANDSHAKE_FAILED);
    assertThat(e.getMessage()).contains("hvsock:/v.sock?port=7").contains("got 'NO'");
    assertThat(log).isEmpty();
    channel.finishAndReleaseAll();
  }
}
