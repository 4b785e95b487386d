package io.quantix.agent.framing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.quantix.agent.framing.FrameOutcome.DropReason;
import io.quantix.agent.internal.FrameArrays;
import io.quantix.agent.proto.AgentMessage;
import java.io.IOException;

/**
 * The stateless reads of {@link FrameDecoder}: where a magic is, whether a frame may start at an
 * offset, parsing a payload and judging its message_id. Kept apart so the decoder holds only its
 * resynchronisation state.
 */
final class FrameScan {
  static final int MAX_MESSAGE_ID_LENGTH = 128;
  static final byte MAGIC_FIRST_BYTE = (byte) (Framing.MAGIC >>> 24);

  /** A legacy first frame larger than this is not worth waiting for to decide the format. */
  static final int AUTO_DETECT_MAX_LENGTH = 64 * 1024;

  private FrameScan() {}

  /**
   * The framing the first bytes show (AUTO mode): a legacy first frame that parses and validates
   * means LEGACY, anything else MAGIC; null while more bytes are needed to tell.
   */
  static FrameFormat detect(ByteBuf in, boolean endOfInput, boolean requireMessageId) {
    if (in.readableBytes() < Framing.LEGACY_HEADER_LENGTH) {
      return null;
    }
    int first = in.getInt(in.readerIndex());
    if (first == Framing.MAGIC || first <= 0 || first > AUTO_DETECT_MAX_LENGTH) {
      return FrameFormat.MAGIC;
    }
    if (in.readableBytes() < Framing.LEGACY_HEADER_LENGTH + first) {
      // a legacy first frame that never completed: scan for magic frames instead
      return endOfInput ? FrameFormat.MAGIC : null;
    }
    AgentMessage candidate = parse(in, in.readerIndex() + Framing.LEGACY_HEADER_LENGTH, first);
    return candidate != null && validate(candidate, requireMessageId) == null
        ? FrameFormat.LEGACY : FrameFormat.MAGIC;
  }

  /**
   * What the start of a stream shows for a decoder set to {@code configured}: for AUTO the framing
   * detected; for MAGIC or LEGACY {@code configured} when it fits or cannot be told apart, the other
   * framing when the first bytes are clearly it (a mismatch); null while more bytes are needed.
   */
  static FrameFormat startFormat(ByteBuf in, FrameFormat configured, boolean endOfInput,
      boolean requireMessageId) {
    if (configured == FrameFormat.AUTO) {
      return detect(in, endOfInput, requireMessageId);
    }
    int readable = in.readableBytes();
    if (readable < Framing.LEGACY_HEADER_LENGTH) {
      return endOfInput || configured == FrameFormat.MAGIC ? configured : null;
    }
    int first = in.getInt(in.readerIndex());
    if (configured == FrameFormat.LEGACY) {
      return first == Framing.MAGIC ? FrameFormat.MAGIC : FrameFormat.LEGACY;
    }
    // MAGIC: never holds bytes back; only a whole valid legacy frame (with a sane message_id) at the
    // reader index is a mismatch. Anything else is left to the magic scan.
    if (!requireMessageId || first <= 0 || first > AUTO_DETECT_MAX_LENGTH
        || readable < Framing.LEGACY_HEADER_LENGTH + first) {
      return FrameFormat.MAGIC;
    }
    AgentMessage m = parse(in, in.readerIndex() + Framing.LEGACY_HEADER_LENGTH, first);
    return m != null && validate(m, true) == null ? FrameFormat.LEGACY : FrameFormat.MAGIC;
  }

  /**
   * False when bytes follow the frame that ends {@code frameLength} after the reader index and they
   * are not (the start of) a magic.
   */
  static boolean nextFrameMayStartAt(ByteBuf in, int frameLength) {
    int after = in.readableBytes() - frameLength;
    return after <= 0 || isMagicPrefix(in, in.readerIndex() + frameLength, Math.min(4, after));
  }

  /**
   * The offset of the first magic (or magic prefix that reaches the end of the bytes here) from
   * {@code from} up to before {@code to}, relative to the reader index; {@code to} if there is none.
   */
  static int untilMagic(ByteBuf in, int from, int to) {
    int start = in.readerIndex();
    int available = in.readableBytes();
    int at = from;
    while (at < to) {
      int candidate = in.indexOf(start + at, start + to, MAGIC_FIRST_BYTE);
      if (candidate < 0) {
        return to;
      }
      at = candidate - start;
      if (isMagicPrefix(in, candidate, Math.min(4, available - at))) {
        return at;
      }
      at++;
    }
    return to;
  }

  static boolean isMagicPrefix(ByteBuf in, int index, int length) {
    for (int i = 0; i < length; i++) {
      if (in.getByte(index + i) != (byte) (Framing.MAGIC >>> (24 - 8 * i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses {@code length} bytes at {@code index}, or returns null when they are not an AgentMessage.
   * A heap buffer is read in place (protobuf copies what it keeps). Anything else is copied once
   * into a private array that protobuf then reads as immutable: bytes fields share it rather than
   * being copied again (protobuf 4.x itself copies a direct buffer whole and then every bytes field).
   * A long frame's array may be a reused one ({@link FrameArrays}), given back by a download once
   * its chunk is written.
   */
  static AgentMessage parse(ByteBuf in, int index, int length) {
    try {
      CodedInputStream input;
      if (in.hasArray()) {
        input = CodedInputStream.newInstance(in.array(), in.arrayOffset() + index, length);
      } else {
        byte[] copy = FrameArrays.lend(length);
        in.getBytes(index, copy, 0, length);
        input = UnsafeByteOperations.unsafeWrap(copy, 0, length).newCodedInput();
        input.enableAliasing(true);
      }
      input.setSizeLimit(length);
      AgentMessage message = AgentMessage.parseFrom(input);
      input.checkLastTagWas(0);
      return message;
    } catch (IOException e) {
      // InvalidProtocolBufferException included: not an AgentMessage
      return null;
    }
  }

  static boolean saneId(String id) {
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

  /** Why {@code message} must be dropped, or null when it is fine. */
  static DropReason validate(AgentMessage message, boolean requireMessageId) {
    if (message.getPayloadCase() == AgentMessage.PayloadCase.PAYLOAD_NOT_SET) {
      return DropReason.NO_PAYLOAD;
    }
    String id = message.getMessageId();
    if (id.isEmpty() ? requireMessageId : !saneId(id)) {
      return DropReason.BAD_MESSAGE_ID;
    }
    return null;
  }
}
