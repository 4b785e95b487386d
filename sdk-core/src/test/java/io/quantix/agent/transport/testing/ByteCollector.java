package io.quantix.agent.transport.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test pipeline handler that keeps every byte it reads and the order of events it saw. */
public final class ByteCollector extends ChannelInboundHandlerAdapter {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  public final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    events.add("active");
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    events.add("inactive");
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      byte[] chunk = new byte[buf.readableBytes()];
      buf.readBytes(chunk);
      synchronized (bytes) {
        bytes.write(chunk, 0, chunk.length);
      }
    } finally {
      buf.release();
    }
  }

  public int size() {
    synchronized (bytes) {
      return bytes.size();
    }
  }

  public byte[] bytes() {
    synchronized (bytes) {
      return bytes.toByteArray();
    }
  }
}
