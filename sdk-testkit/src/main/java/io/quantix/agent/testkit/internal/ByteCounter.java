package io.quantix.agent.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Counts the raw bytes a host sends, before any decoding. Not API. */
@Sharable
final class ByteCounter extends ChannelInboundHandlerAdapter {
  private final Counters counters;

  ByteCounter(Counters counters) {
    this.counters = counters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf) {
      counters.bytesReceived.addAndGet(((ByteBuf) msg).readableBytes());
    }
    ctx.fireChannelRead(msg);
  }
}
