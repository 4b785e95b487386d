package io.quantix.agent.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.quantix.agent.proto.AgentMessage;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Test helpers: frames built by hand (independently of {@link FrameEncoder}), a decoder channel that
 * records what comes out in order, and feeding a stream in slices of tracked pooled buffers.
 */
final class Wire {
  static final byte[] MAGIC = {0x51, 0x54, 0x58, 0x01};

  private static final Method INTERNAL_BUFFER;

  static {
    try {
      INTERNAL_BUFFER = ByteToMessageDecoder.class.getDeclaredMethod("internalBuffer");
      INTERNAL_BUFFER.setAccessible(true);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Wire() {}

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] u32(long value) {
    return ByteBuffer.allocate(4).putInt((int) value).array();
  }

  /** A magic frame around arbitrary payload bytes. */
  static byte[] frame(byte[] payload) {
    return concat(MAGIC, u32(payload.length), payload);
  }

  static byte[] frame(AgentMessage message) {
    return frame(message.toByteArray());
  }

  static byte[] legacyFrame(AgentMessage message) {
    byte[] payload = message.toByteArray();
    return concat(u32(payload.length), payload);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] concat(List<byte[]> parts) {
    return concat(parts.toArray(new byte[0][]));
  }

  /** Copies a buffer's readable bytes out and releases it. */
  static byte[] drain(ByteBuf buf) {
    try {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.getBytes(buf.readerIndex(), bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }

  /** Bytes held in the decoder's cumulation buffer. */
  static ByteBuf buffered(FrameDecoder decoder) {
    try {
      return (ByteBuf) INTERNAL_BUFFER.invoke(decoder);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new AssertionError(e);
    }
  }

  /** A channel with a decoder and a recorder of everything the decoder hands on, in order. */
  static final class Decoding {
    final FrameDecoder decoder;
    final Recorder recorder = new Recorder();
    final EmbeddedChannel channel;

    Decoding(FrameFormat format) {
      this(new FrameDecoder(format));
    }

    Decoding(FrameDecoder decoder) {
      this.decoder = decoder;
      this.channel = new EmbeddedChannel(decoder, recorder);
    }

    /** Writes {@code bytes} as one read. */
    Decoding feed(byte[] bytes) {
      return feed(bytes, 0, bytes.length);
    }

    Decoding feed(byte[] bytes, int from, int length) {
      ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(length);
      buf.writeBytes(bytes, from, length);
      channel.writeInbound(buf);
      channel.checkException();
      return this;
    }

    /** Writes {@code bytes} in slices whose sizes cycle through {@code slices}. */
    Decoding feed(byte[] bytes, List<Integer> slices) {
      return feed(bytes, slices, Integer.MAX_VALUE, () -> { });
    }

    /**
     * Writes {@code bytes} in slices whose sizes cycle through {@code slices}, raised where needed so
     * that there are at most {@code maxReads} of them (each read is a tracked allocation, slow under
     * PARANOID leak detection); {@code afterEach} runs after every slice.
     */
    Decoding feed(byte[] bytes, List<Integer> slices, int maxReads, Runnable afterEach) {
      int least = (int) Math.max(1, (bytes.length + (long) maxReads - 1) / maxReads);
      int at = 0;
      int i = 0;
      while (at < bytes.length) {
        int length = Math.min(Math.max(least, slices.get(i++ % slices.size())), bytes.length - at);
        feed(bytes, at, length);
        at += length;
        afterEach.run();
      }
      return this;
    }

    /** Ends the input (the decoder's end-of-stream handling runs) and releases what is left. */
    Decoding finish() {
      channel.finishAndReleaseAll();
      channel.checkException();
      return this;
    }

    List<AgentMessage> messages() {
      return recorder.messages();
    }

    List<FrameOutcome> outcomes() {
      return recorder.outcomes();
    }

    FramingStats stats() {
      return decoder.stats();
    }
  }

  /** Records messages and {@link FrameOutcome}s; anything else reaching it fails the test. */
  static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<Object> events = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof AgentMessage)) {
        throw new AssertionError("decoder handed on " + msg);
      }
      events.add(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof FrameOutcome) {
        events.add(evt);
      } else {
        ctx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      throw new AssertionError("exception reached the end of the pipeline", cause);
    }

    List<AgentMessage> messages() {
      List<AgentMessage> messages = new ArrayList<>();
      for (Object event : events) {
        if (event instanceof AgentMessage) {
          messages.add((AgentMessage) event);
        }
      }
      return messages;
    }

    List<FrameOutcome> outcomes() {
      List<FrameOutcome> outcomes = new ArrayList<>();
      for (Object event : events) {
        if (event instanceof FrameOutcome) {
          outcomes.add((FrameOutcome) event);
        }
      }
      return outcomes;
    }

    long garbageSkipped() {
      long total = 0;
      for (FrameOutcome outcome : outcomes()) {
        if (outcome instanceof FrameOutcome.GarbageSkipped) {
          total += ((FrameOutcome.GarbageSkipped) outcome).bytes();
        }
      }
      return total;
    }

    long droppedBytes() {
      long total = 0;
      for (FrameOutcome outcome : outcomes()) {
        if (outcome instanceof FrameOutcome.FrameDropped) {
          total += ((FrameOutcome.FrameDropped) outcome).bytes();
        }
      }
      return total;
    }

    long resyncFailures() {
      return outcomes().stream().filter(o -> o instanceof FrameOutcome.ResyncFailed).count();
    }
  }
}
