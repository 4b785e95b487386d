package io.quantix.agent.framing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.quantix.agent.framing.FrameOutcome.DropReason;
import io.quantix.agent.proto.AgentMessage;
import java.io.IOException;
import java.util.List;

/**
 * Incremental decoder of agent frames into {@link AgentMessage}s, resynchronising on garbage the way
 * the agent does: bytes are skipped until a magic, zero or oversize lengths are skipped, and frames
 * that do not parse or carry no payload are dropped. Nothing is allocated from an untrusted length:
 * bytes accumulate in Netty's cumulation buffer as they arrive and a frame is parsed only once whole.
 * Problems are fired as {@link FrameOutcome} user events and counted in {@link #stats()}; after
 * {@link FrameOutcome.ResyncFailed} every further byte is discarded and the owner should close.
 *
 * <p>Where the agent drops the whole declared length of a frame that fails to parse, this decoder
 * drops only its magic and scans on, so a truncated frame costs at most the frame it ran into.
 *
 * <pre>{@code
 * channel.pipeline().addLast(new FrameDecoder(FrameFormat.AUTO), new FrameEncoder(FrameFormat.MAGIC));
 * }</pre>
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private static final int MAX_MESSAGE_ID_LENGTH = 128;
  /** A legacy first frame larger than this is not worth waiting for to decide the format. */
  private static final int AUTO_DETECT_MAX_LENGTH = 64 * 1024;

  private final FramingStats stats = new FramingStats();
  private final boolean requireMessageId;
  private FrameFormat format;
  private long scannedWithoutMagic;
  private boolean failed;

  /** A decoder that drops frames without a sane message_id, as a host should. */
  public FrameDecoder(FrameFormat format) {
    this(format, true);
  }

  /**
   * @param format the framing to expect, or {@link FrameFormat#AUTO} to detect it
   * @param requireMessageId drop frames whose message_id is empty (the agent itself accepts them)
   */
  public FrameDecoder(FrameFormat format, boolean requireMessageId) {
    if (format == null) {
      throw new NullPointerException("format");
    }
    this.format = format;
    this.requireMessageId = requireMessageId;
  }

  /** Counters of this decoder. */
  public FramingStats stats() {
    return stats;
  }

  /** The framing in use; {@link FrameFormat#AUTO} until the first bytes decided it. */
  public FrameFormat format() {
    return format;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (format == FrameFormat.AUTO && !detect(in)) {
      return;
    }
    if (format == FrameFormat.LEGACY) {
      decodeLegacy(ctx, in, out);
    } else {
      decodeMagic(ctx, in, out);
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    decode(ctx, in, out);
    // At end of stream a frame that can never complete was truncated: look inside it for frames.
    while (!failed && format == FrameFormat.MAGIC && in.readableBytes() >= Framing.HEADER_LENGTH) {
      dropMagic(ctx, in, DropReason.UNPARSABLE);
      decodeMagic(ctx, in, out);
    }
    if (in.isReadable()) {
      int rest = in.readableBytes();
      in.skipBytes(rest);
      stats.skipped(rest);
      ctx.fireUserEventTriggered(new FrameOutcome.GarbageSkipped(rest));
    }
  }

  private boolean detect(ByteBuf in) {
    if (in.readableBytes() < Framing.LEGACY_HEADER_LENGTH) {
      return false;
    }
    int first = in.getInt(in.readerIndex());
    if (first == Framing.MAGIC || first <= 0 || first > AUTO_DETECT_MAX_LENGTH) {
      format = FrameFormat.MAGIC;
      return true;
    }
    if (in.readableBytes() < Framing.LEGACY_HEADER_LENGTH + first) {
      return false;
    }
    AgentMessage candidate = parse(in, in.readerIndex() + Framing.LEGACY_HEADER_LENGTH, first);
    format = candidate != null && validate(candidate) == null ? FrameFormat.LEGACY : FrameFormat.MAGIC;
    return true;
  }

  private void decodeMagic(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed) {
      if (!skipToMagic(ctx, in) || in.readableBytes() < Framing.HEADER_LENGTH) {
        return;
      }
      int start = in.readerIndex();
      int length = in.getInt(start + 4);
      if (length == Framing.MAGIC) {
        // A frame cut down to its magic: the real header starts right after it.
        dropBytes(ctx, in, 4, DropReason.BAD_LENGTH);
        continue;
      }
      if (length <= 0 || length > Framing.MAX_PAYLOAD_LENGTH) {
        dropBytes(ctx, in, Framing.HEADER_LENGTH, DropReason.BAD_LENGTH);
        continue;
      }
      if (in.readableBytes() < Framing.HEADER_LENGTH + length) {
        return;
      }
      AgentMessage message = parse(in, start + Framing.HEADER_LENGTH, length);
      DropReason problem = message == null ? DropReason.UNPARSABLE : validate(message);
      if (problem != null) {
        dropMagic(ctx, in, problem);
        continue;
      }
      in.skipBytes(Framing.HEADER_LENGTH + length);
      stats.decoded(Framing.HEADER_LENGTH + length);
      out.add(message);
    }
  }

  private void decodeLegacy(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.readableBytes() >= Framing.LEGACY_HEADER_LENGTH) {
      int start = in.readerIndex();
      int length = in.getInt(start);
      if (length <= 0 || length > Framing.MAX_PAYLOAD_LENGTH) {
        fail(ctx, in, "legacy frame length " + Integer.toUnsignedString(length) + " out of range");
        return;
      }
      if (in.readableBytes() < Framing.LEGACY_HEADER_LENGTH + length) {
        return;
      }
      AgentMessage message = parse(in, start + Framing.LEGACY_HEADER_LENGTH, length);
      DropReason problem = message == null ? DropReason.UNPARSABLE : validate(message);
      in.skipBytes(Framing.LEGACY_HEADER_LENGTH + length);
      if (problem != null) {
        stats.dropped();
        ctx.fireUserEventTriggered(
            new FrameOutcome.FrameDropped(problem, Framing.LEGACY_HEADER_LENGTH + length));
        continue;
      }
      stats.decoded(Framing.LEGACY_HEADER_LENGTH + length);
      out.add(message);
    }
  }

  /** Skips to the next magic; false when more bytes are needed (or the stream was given up). */
  private boolean skipToMagic(ChannelHandlerContext ctx, ByteBuf in) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    int at = start;
    while (at <= end - 4) {
      int candidate = in.indexOf(at, end - 3, (byte) 0x51);
      if (candidate < 0) {
        at = end - 3;
        break;
      }
      if (in.getInt(candidate) == Framing.MAGIC) {
        skipGarbage(ctx, in, candidate - start);
        if (!failed) {
          scannedWithoutMagic = 0;
        }
        return !failed;
      }
      at = candidate + 1;
    }
    // Keep a tail that may be the start of a magic split across reads.
    int keep = 0;
    for (int tail = Math.min(3, end - start); tail > 0; tail--) {
      if (isMagicPrefix(in, end - tail, tail)) {
        keep = tail;
        break;
      }
    }
    skipGarbage(ctx, in, end - start - keep);
    return false;
  }

  private static boolean isMagicPrefix(ByteBuf in, int index, int length) {
    for (int i = 0; i < length; i++) {
      if (in.getByte(index + i) != (byte) (Framing.MAGIC >>> (24 - 8 * i))) {
        return false;
      }
    }
    return true;
  }

  private void skipGarbage(ChannelHandlerContext ctx, ByteBuf in, int bytes) {
    if (bytes <= 0) {
      return;
    }
    in.skipBytes(bytes);
    stats.skipped(bytes);
    scannedWithoutMagic += bytes;
    ctx.fireUserEventTriggered(new FrameOutcome.GarbageSkipped(bytes));
    if (scannedWithoutMagic > Framing.RESYNC_LIMIT) {
      fail(ctx, in, "no frame magic in the last " + scannedWithoutMagic + " bytes");
    }
  }

  private void dropMagic(ChannelHandlerContext ctx, ByteBuf in, DropReason reason) {
    dropBytes(ctx, in, 4, reason);
  }

  private void dropBytes(ChannelHandlerContext ctx, ByteBuf in, int bytes, DropReason reason) {
    in.skipBytes(bytes);
    stats.dropped();
    ctx.fireUserEventTriggered(new FrameOutcome.FrameDropped(reason, bytes));
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
    failed = true;
    long scanned = scannedWithoutMagic;
    int rest = in.readableBytes();
    in.skipBytes(rest);
    stats.skipped(rest);
    stats.resyncFailed();
    ctx.fireUserEventTriggered(new FrameOutcome.ResyncFailed(scanned + rest, reason));
  }

  private static AgentMessage parse(ByteBuf in, int index, int length) {
    try {
      CodedInputStream input = in.nioBufferCount() == 1
          ? CodedInputStream.newInstance(in.nioBuffer(index, length))
          : CodedInputStream.newInstance(bytes(in, index, length));
      input.setSizeLimit(length);
      AgentMessage message = AgentMessage.parseFrom(input);
      input.checkLastTagWas(0);
      return message;
    } catch (InvalidProtocolBufferException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] bytes(ByteBuf in, int index, int length) {
    byte[] copy = new byte[length];
    in.getBytes(index, copy);
    return copy;
  }

  private DropReason validate(AgentMessage message) {
    if (message.getPayloadCase() == AgentMessage.PayloadCase.PAYLOAD_NOT_SET) {
      return DropReason.NO_PAYLOAD;
    }
    String id = message.getMessageId();
    if (id.isEmpty() ? requireMessageId : !saneId(id)) {
      return DropReason.BAD_MESSAGE_ID;
    }
    return null;
  }

  private static boolean saneId(String id) {
    if (id.length() > MAX_MESSAGE_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
