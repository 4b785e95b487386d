package io.quantix.agent.framing;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.quantix.agent.proto.AgentMessage;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes {@link AgentMessage}s into frames. A message over 16 MiB fails its write promise with
 * {@link FrameTooLargeException} before a byte is written. Each frame is one buffer written in one
 * call, so frames never interleave. Stateless and shareable across channels.
 *
 * <pre>{@code
 * ByteBuf frame = FrameEncoder.encode(message, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
 * }</pre>
 */
@Sharable
public final class FrameEncoder extends ChannelOutboundHandlerAdapter {
  /** Up to this payload length a message is serialised into a byte[] and copied into the frame. */
  private static final int SMALL_MESSAGE_LENGTH = 4096;
  private final FrameFormat format;

  /** @param format {@link FrameFormat#MAGIC} or {@link FrameFormat#LEGACY} */
  public FrameEncoder(FrameFormat format) {
    if (format == null || format == FrameFormat.AUTO) {
      throw new IllegalArgumentException("an encoder needs a definite format, not " + format);
    }
    this.format = format;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof AgentMessage)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf frame;
    try {
      frame = encode((AgentMessage) msg, ctx.alloc(), format);
    } catch (FrameTooLargeException e) {
      promise.setFailure(e);
      return;
    }
    ctx.write(frame, promise);
  }

  /**
   * Encodes one message into a new buffer holding the whole frame; the caller owns the buffer.
   *
   * @throws FrameTooLargeException if the payload would exceed 16 MiB
   */
  public static ByteBuf encode(AgentMessage message, ByteBufAllocator alloc, FrameFormat format) {
    int length = Framing.checkEncodable(message);
    boolean magic = format != FrameFormat.LEGACY;
    int header = magic ? Framing.HEADER_LENGTH : Framing.LEGACY_HEADER_LENGTH;
    ByteBuf buf = alloc.ioBuffer(header + length);
    try {
      if (magic) {
        buf.writeInt(Framing.MAGIC);
      }
      buf.writeInt(length);
      int at = buf.writerIndex();
      if (buf.hasArray()) {
        CodedOutputStream output =
            CodedOutputStream.newInstance(buf.array(), buf.arrayOffset() + at, length);
        message.writeTo(output);
        output.checkNoSpaceLeft();
      } else if (length > SMALL_MESSAGE_LENGTH && buf.nioBufferCount() == 1) {
        // Serialise straight into the frame buffer: no intermediate byte[].
        CodedOutputStream output = CodedOutputStream.newInstance(buf.internalNioBuffer(at, length));
        message.writeTo(output);
        output.checkNoSpaceLeft();
      } else {
        // protobuf's array encoder and one copy beat its ByteBuffer encoder on small messages
        buf.setBytes(at, message.toByteArray());
      }
      buf.writerIndex(at + length);
      return buf;
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }
}
