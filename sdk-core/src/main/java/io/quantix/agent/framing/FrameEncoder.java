package io.quantix.agent.framing;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.FastThreadLocal;
import io.quantix.agent.proto.AgentMessage;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes {@link AgentMessage}s into frames. A message over 16 MiB fails its write promise with
 * {@link FrameTooLargeException}, an empty one with {@link IllegalArgumentException}, before a byte
 * is written. Each frame is one buffer written in one
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
  /**
   * A frame longer than this is built from pieces of at most this length. Netty's default
   * allocator pools buffers up to 1 MiB; a frame carrying a 1 MiB chunk is a few bytes over that
   * and would otherwise get a fresh, zeroed buffer outside the pool on every chunk.
   */
  static final int LARGE_FRAME_PIECE = 1024 * 1024;
  /**
   * The byte[] a small message is serialised into, one per thread: a channel's writes all run on
   * its event loop thread, so this is the channel's reused buffer without making the encoder
   * per-channel (it stays {@code @Sharable}); encoding is synchronous, so no two uses overlap.
   */
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[SMALL_MESSAGE_LENGTH];
    }
  };
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
    } catch (FrameTooLargeException | IllegalArgumentException e) {
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
    return encode(message, null, 0L, Framing.checkEncodable(message), alloc, format);
  }

  /**
   * Encodes {@code message} with its {@code message_id} and {@code timestamp} set to the given
   * values, byte for byte as {@code message.toBuilder().setMessageId(..).setTimestamp(..).build()}
   * would encode, without building that copy: the per-request path of a client.
   *
   * <pre>{@code
   * ByteBuf frame = FrameEncoder.encodeStamped(request, "req-1", System.currentTimeMillis(),
   *     ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
   * }</pre>
   *
   * @param epochMillis the timestamp, milliseconds since the epoch
   * @throws FrameTooLargeException if the payload would exceed 16 MiB
   */
  public static ByteBuf encodeStamped(AgentMessage message, String messageId, long epochMillis,
      ByteBufAllocator alloc, FrameFormat format) {
    if (messageId == null) {
      throw new NullPointerException("messageId");
    }
    if (!message.getMessageId().isEmpty() || message.hasTimestamp()) {
      // Fields written twice would merge (timestamp) or let the message's own value win (id).
      message = message.toBuilder().clearMessageId().clearTimestamp().build();
    }
    int length = message.getSerializedSize() + stampSize(messageId, epochMillis);
    if (length > Framing.MAX_PAYLOAD_LENGTH) {
      throw new FrameTooLargeException(length);
    }
    return encode(message, messageId, epochMillis, length, alloc, format);
  }

  private static ByteBuf encode(AgentMessage message, String stampId, long stampMillis,
      int length, ByteBufAllocator alloc, FrameFormat format) {
    boolean magic = format != FrameFormat.LEGACY;
    int header = magic ? Framing.HEADER_LENGTH : Framing.LEGACY_HEADER_LENGTH;
    boolean large = header + length > LARGE_FRAME_PIECE;
    ByteBuf buf = large ? LargeFrames.allocate(alloc, header + length, LARGE_FRAME_PIECE)
        : alloc.ioBuffer(header + length);
    try {
      if (magic) {
        buf.writeInt(Framing.MAGIC);
      }
      buf.writeInt(length);
      int at = buf.writerIndex();
      CodedOutputStream output;
      byte[] small = null;
      if (large) {
        output = LargeFrames.output(buf);
      } else if (buf.hasArray()) {
        output = CodedOutputStream.newInstance(buf.array(), buf.arrayOffset() + at, length);
      } else if (length > SMALL_MESSAGE_LENGTH && buf.nioBufferCount() == 1) {
        // Serialise straight into the frame buffer: no intermediate byte[].
        output = CodedOutputStream.newInstance(buf.internalNioBuffer(at, length));
      } else {
        // protobuf's array encoder and one copy beat its ByteBuffer encoder on small messages
        small = length <= SMALL_MESSAGE_LENGTH ? SCRATCH.get() : new byte[length];
        output = CodedOutputStream.newInstance(small, 0, length);
      }
      if (stampId != null) {
        writeStamp(output, stampId, stampMillis);
      }
      message.writeTo(output);
      if (large) {
        output.flush();
        LargeFrames.checkFilled(buf, at + length);
      } else {
        output.checkNoSpaceLeft();
      }
      if (small != null) {
        buf.setBytes(at, small, 0, length);
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

  // Fields 1 (message_id) and 2 (timestamp) come first, as protobuf writes fields in number order.
  private static int stampSize(String messageId, long epochMillis) {
    int size = messageId.isEmpty() ? 0 : CodedOutputStream.computeStringSize(
        AgentMessage.MESSAGE_ID_FIELD_NUMBER, messageId);
    int timestamp = timestampSize(epochMillis);
    return size + CodedOutputStream.computeTagSize(AgentMessage.TIMESTAMP_FIELD_NUMBER)
        + CodedOutputStream.computeUInt32SizeNoTag(timestamp) + timestamp;
  }

  private static int timestampSize(long epochMillis) {
    long seconds = Math.floorDiv(epochMillis, 1000L);
    int nanos = (int) Math.floorMod(epochMillis, 1000L) * 1_000_000;
    return (seconds == 0 ? 0 : CodedOutputStream.computeInt64Size(1, seconds))
        + (nanos == 0 ? 0 : CodedOutputStream.computeInt32Size(2, nanos));
  }

  private static void writeStamp(CodedOutputStream output, String messageId, long epochMillis)
      throws IOException {
    if (!messageId.isEmpty()) {
      output.writeString(AgentMessage.MESSAGE_ID_FIELD_NUMBER, messageId);
    }
    long seconds = Math.floorDiv(epochMillis, 1000L);
    int nanos = (int) Math.floorMod(epochMillis, 1000L) * 1_000_000;
    output.writeTag(AgentMessage.TIMESTAMP_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    output.writeUInt32NoTag(timestampSize(epochMillis));
    if (seconds != 0) {
      output.writeInt64(1, seconds);
    }
    if (nanos != 0) {
      output.writeInt32(2, nanos);
    }
  }
}
