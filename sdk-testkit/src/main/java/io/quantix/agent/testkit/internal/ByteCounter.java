package io.quantix.agent.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;

/**
 * Counts the raw bytes a host sends, before any decoding, and the flushes that reach the socket
 * (it sits first in the pipeline, after the flush consolidation has merged them). Not API.
 */
@Sharable
final class ByteCounter extends ChannelDuplexHandler {
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

  @Override
  public void flush(ChannelHandlerContext ctx) {
    counters.flushes.incrementAndGet();
    ctx.flush();
  }
}
