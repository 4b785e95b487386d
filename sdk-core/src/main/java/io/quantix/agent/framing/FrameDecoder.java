package io.quantix.agent.framing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.quantix.agent.framing.FrameOutcome.DropReason;
import io.quantix.agent.proto.AgentMessage;
import java.util.List;

/**
 * Incremental decoder of agent frames into {@link AgentMessage}s, resynchronising on garbage the way
 * the agent does: bytes are skipped until a magic, zero or oversize lengths are skipped, and frames
 * that do not parse or carry no payload are dropped. Nothing is allocated from an untrusted length:
 * bytes accumulate in Netty's cumulation buffer as they arrive and a frame is parsed only once whole.
 * While a frame of 64 KiB or more arrives, the reads' own buffers are kept
 * side by side (a composite cumulation) rather than copied into one growing buffer.
 * Problems are fired as {@link FrameOutcome} user events and counted in {@link #stats()}; after
 * {@link FrameOutcome.ResyncFailed} every further byte is discarded and the owner should close.
 * Messages and outcomes reach the next handler in stream order (at most one message per
 * {@code decode} call).
 *
 * <p>How a frame that was cut short is found, and what is not caught, is told in the
 * {@linkplain io.quantix.agent.framing package documentation}.
 *
 * <pre>{@code
 * channel.pipeline().addLast(new FrameDecoder(FrameFormat.AUTO), new FrameEncoder(FrameFormat.MAGIC));
 * }</pre>
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  /**
   * A frame at least this long that is still arriving gathers in a composite buffer: each read's
   * buffer is kept as it is instead of being copied into one growing buffer (which Netty grows by
   * doubling, copying and zeroing it each time), and the frame is copied once, when it parses.
   */
  static final int GATHER_LENGTH = 64 * 1024;

  private final FramingStats stats = new FramingStats();
  private final boolean requireMessageId;
  private FrameFormat format;
  private long scannedWithoutMagic;
  private boolean failed;
  private boolean endOfInput;
  /** Where the frame at the reader index may have been cut short. */
  private final CutSearch cuts;
  /**
   * Whether the frame at the reader index starts exactly where a frame that parsed ended. A frame
   * reached otherwise (the stream's first, or found by skipping or dropping bytes) may be a false
   * magic or a cut frame, and is searched for frames inside it as its bytes arrive.
   */
  private boolean trusted;
  /** Start checked (AUTO: detected; LEGACY: no magic; MAGIC: until a frame decodes). */
  private boolean startChecked;
  /** Whether reads are gathered in a composite buffer for a long frame still arriving. */
  private boolean gathering;

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
    this.cuts = new CutSearch(requireMessageId);
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
    if (!startChecked) {
      FrameFormat seen = FrameScan.startFormat(in, format, endOfInput, requireMessageId);
      if (seen == null) {
        return;
      }
      startChecked = format != FrameFormat.MAGIC;
      if (format != FrameFormat.AUTO && seen != format) {
        FrameOutcome.FramingMismatch mismatch = new FrameOutcome.FramingMismatch(format, seen);
        ctx.fireUserEventTriggered(mismatch);
        fail(ctx, in, mismatch.hint());
        return;
      }
      format = seen;
    }
    if (format == FrameFormat.LEGACY) {
      decodeLegacy(ctx, in, out);
    } else {
      decodeMagic(ctx, in, out);
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    // No more bytes will come: frames still pending were cut short; look inside them for frames.
    endOfInput = true;
    callDecode(ctx, in, out);
    if (!failed && in.isReadable()) {
      int rest = in.readableBytes();
      if (format == FrameFormat.MAGIC) {
        // a magic prefix that never completed: garbage, counted towards the resync limit
        skipGarbage(ctx, in, rest);
      } else {
        // a legacy frame that never completed
        consume(in, rest);
        stats.skipped(rest);
        ctx.fireUserEventTriggered(new FrameOutcome.GarbageSkipped(rest));
      }
    }
  }

  /** Decodes up to one message; returns when it has one, or needs more bytes. */
  private void decodeMagic(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed) {
      if (!skipToMagic(ctx, in)) {
        return;
      }
      int start = in.readerIndex();
      int available = in.readableBytes();
      cuts.noteReadStart(in, available);
      if (available < Framing.HEADER_LENGTH) {
        if (!endOfInput) {
          cuts.readEnded(available);
          return;
        }
        drop(ctx, in, FrameScan.untilMagic(in, 4, available), DropReason.UNPARSABLE);
        continue;
      }
      int length = in.getInt(start + 4);
      if (length <= 0 || length > Framing.MAX_PAYLOAD_LENGTH) {
        // The header may have been cut by the next frame's magic (a frame cut down to its magic
        // makes the length read as the magic itself): keep that magic.
        drop(ctx, in, FrameScan.untilMagic(in, 4, Framing.HEADER_LENGTH), DropReason.BAD_LENGTH);
        continue;
      }
      int frameLength = Framing.HEADER_LENGTH + length;
      int cut = cuts.frameAtReadStart(in, frameLength, endOfInput);
      if (cut == 0 && (!trusted || endOfInput)) {
        cut = cuts.frameInside(in, frameLength, endOfInput);
      }
      if (cut > 0) {
        drop(ctx, in, cut, DropReason.UNPARSABLE);
        continue;
      }
      if (available < frameLength) {
        if (!endOfInput) {
          cuts.readEnded(available);
          gatherIfLong(frameLength);
          return;
        }
        // never to complete, and no frame inside: cut short
        drop(ctx, in, FrameScan.untilMagic(in, 4, available), DropReason.UNPARSABLE);
        continue;
      }
      AgentMessage message = FrameScan.parse(in, start + Framing.HEADER_LENGTH, length);
      if (message == null) {
        drop(ctx, in, FrameScan.untilMagic(in, 4, frameLength), DropReason.UNPARSABLE);
        continue;
      }
      if (trusted && !FrameScan.nextFrameMayStartAt(in, frameLength)) {
        // the bytes after it do not start a frame: it may have swallowed frames that do
        cut = cuts.frameInside(in, frameLength, endOfInput);
        if (cut > 0) {
          drop(ctx, in, cut, DropReason.UNPARSABLE);
          continue;
        }
      }
      DropReason problem = FrameScan.validate(message, requireMessageId);
      if (problem != null) {
        // it parsed, so the framing held: the whole frame goes, and the next starts right after
        drop(ctx, in, frameLength, problem);
        trusted = true;
        continue;
      }
      consume(in, frameLength);
      trusted = true;
      startChecked = true;
      stats.decoded(frameLength);
      out.add(message);
      return;
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
        gatherIfLong(Framing.LEGACY_HEADER_LENGTH + length);
        return;
      }
      AgentMessage message = FrameScan.parse(in, start + Framing.LEGACY_HEADER_LENGTH, length);
      DropReason problem = message == null ? DropReason.UNPARSABLE : FrameScan.validate(message, requireMessageId);
      if (problem != null) {
        drop(ctx, in, Framing.LEGACY_HEADER_LENGTH + length, problem);
        continue;
      }
      consume(in, Framing.LEGACY_HEADER_LENGTH + length);
      stats.decoded(Framing.LEGACY_HEADER_LENGTH + length);
      out.add(message);
      return;
    }
  }

  /** Skips to the next magic; false when more bytes are needed (or the stream was given up). */
  private boolean skipToMagic(ChannelHandlerContext ctx, ByteBuf in) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    int at = start;
    while (at <= end - 4) {
      int candidate = in.indexOf(at, end - 3, FrameScan.MAGIC_FIRST_BYTE);
      if (candidate < 0) {
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
      if (FrameScan.isMagicPrefix(in, end - tail, tail)) {
        keep = tail;
        break;
      }
    }
    skipGarbage(ctx, in, end - start - keep);
    return false;
  }

  private void skipGarbage(ChannelHandlerContext ctx, ByteBuf in, int bytes) {
    if (bytes <= 0) {
      return;
    }
    consume(in, bytes);
    stats.skipped(bytes);
    scannedWithoutMagic += bytes;
    ctx.fireUserEventTriggered(new FrameOutcome.GarbageSkipped(bytes));
    if (scannedWithoutMagic > Framing.RESYNC_LIMIT) {
      fail(ctx, in, "no frame magic in the last " + scannedWithoutMagic + " bytes");
    }
  }

  private void drop(ChannelHandlerContext ctx, ByteBuf in, int bytes, DropReason reason) {
    consume(in, bytes);
    stats.dropped();
    ctx.fireUserEventTriggered(new FrameOutcome.FrameDropped(reason, bytes));
  }

  /** Gathers the next reads without merging them while a frame this long is incomplete. */
  private void gatherIfLong(int frameLength) {
    if (frameLength >= GATHER_LENGTH && !gathering) {
      gathering = true;
      setCumulator(COMPOSITE_CUMULATOR);
    }
  }

  /** Moves past {@code bytes}; the next frame is not trusted unless the caller says so. */
  private void consume(ByteBuf in, int bytes) {
    if (gathering) {
      // Short frames merge again: a composite costs more per byte looked at than it saves them.
      gathering = false;
      setCumulator(MERGE_CUMULATOR);
    }
    in.skipBytes(bytes);
    cuts.reset();
    trusted = false;
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
    failed = true;
    long scanned = scannedWithoutMagic;
    int rest = in.readableBytes();
    consume(in, rest);
    stats.skipped(rest);
    stats.resyncFailed();
    ctx.fireUserEventTriggered(new FrameOutcome.ResyncFailed(scanned + rest, reason));
  }
}
