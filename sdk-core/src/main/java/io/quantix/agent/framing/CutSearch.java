package io.quantix.agent.framing;

import io.netty.buffer.ByteBuf;
import io.quantix.agent.proto.AgentMessage;

/**
 * {@link FrameDecoder}'s search for where the frame at the reader index was cut short: the reads
 * that started with a magic inside it while it was incomplete, and (for a frame not reached right
 * after one that parsed) any magic inside it that starts a complete valid frame. Its state follows
 * the frame at the reader index and is {@linkplain #reset() reset} whenever the reader index moves.
 */
final class CutSearch {
  /** The first offset in a frame where a frame cut short can be followed by a new magic. */
  private static final int FIRST_EMBEDDED_OFFSET = 5;
  /** Smallest frame: a header and one byte of payload. */
  private static final int MIN_FRAME_LENGTH = Framing.HEADER_LENGTH + 1;
  /** Reads starting with a magic inside one incomplete frame that are remembered; the first count. */
  private static final int MAX_CUT_CANDIDATES = 8;
  /** {@link #frameAt} verdicts besides an offset. */
  private static final int UNDECIDED = -1;
  private static final int NOT_A_FRAME = 0;

  private final boolean requireMessageId;
  /**
   * Bytes of the frame at the reader index that were here when the last read left it incomplete: the
   * next read's bytes start there.
   */
  private int seen;
  /**
   * Offsets (from the reader index, ascending) where a read that added to the incomplete frame at the
   * reader index started with a magic: where that frame may have been cut short.
   */
  private final int[] cuts = new int[MAX_CUT_CANDIDATES];
  private int cutCount;
  /** How far (from the reader index) an untrusted frame was searched for frames inside it. */
  private int searched = FIRST_EMBEDDED_OFFSET;

  /** @param requireMessageId whether a frame without a message_id counts as valid (as the decoder) */
  CutSearch(boolean requireMessageId) {
    this.requireMessageId = requireMessageId;
  }

  /**
   * The frame at the reader index is incomplete with {@code available} bytes here: the next read's
   * bytes start there.
   */
  void readEnded(int available) {
    seen = available;
  }

  /** Forgets the frame at the reader index (the reader index moved). */
  void reset() {
    seen = 0;
    cutCount = 0;
    searched = FIRST_EMBEDDED_OFFSET;
  }

  /**
   * Remembers where the bytes of a new read start inside the incomplete frame at the reader index,
   * if they start like a magic: a sender that stopped mid-frame starts its next frame there.
   */
  void noteReadStart(ByteBuf in, int available) {
    int at = seen;
    if (at < FIRST_EMBEDDED_OFFSET || available <= at) {
      return;
    }
    seen = available;
    if (cutCount < cuts.length && FrameScan.isMagicPrefix(in, in.readerIndex() + at, Math.min(4, available - at))) {
      cuts[cutCount++] = at;
    }
  }

  /**
   * The first remembered read start at which a complete frame that parses and validates lies within
   * {@code frameLength}: its offset, or 0 when there is none (yet). Read starts that cannot be one are
   * forgotten; one that cannot be decided yet holds back a decision on the later ones.
   */
  int frameAtReadStart(ByteBuf in, int frameLength, boolean endOfInput) {
    int available = in.readableBytes();
    boolean waiting = false;
    int kept = 0;
    int found = 0;
    for (int i = 0; i < cutCount; i++) {
      int verdict = frameAt(in, cuts[i], frameLength, available);
      if (verdict > 0 && !waiting && found == 0) {
        found = verdict;
      }
      if (verdict > 0 || (verdict == UNDECIDED && !endOfInput)) {
        waiting |= verdict == UNDECIDED;
        cuts[kept++] = cuts[i];
      }
    }
    cutCount = kept;
    return found;
  }

  /**
   * Searches the frame at the reader index, within its declared {@code frameLength} and the bytes
   * here, for a magic that starts a complete frame which parses and validates: evidence that it was
   * cut short there, or is no frame at all. Returns that offset, or 0 when there is none (yet). Bytes
   * already searched are not searched again; the search waits at a candidate whose bytes are not all
   * here (until end of stream), so the outcome does not depend on how the bytes were split.
   */
  int frameInside(ByteBuf in, int frameLength, boolean endOfInput) {
    int start = in.readerIndex();
    int available = in.readableBytes();
    int last = Math.min(frameLength - MIN_FRAME_LENGTH, available - 4);
    int at = searched;
    while (at <= last) {
      int candidate = in.indexOf(start + at, start + last + 1, FrameScan.MAGIC_FIRST_BYTE);
      if (candidate < 0) {
        break;
      }
      at = candidate - start;
      int verdict = frameAt(in, at, frameLength, available);
      if (verdict > 0) {
        return verdict;
      }
      if (verdict == UNDECIDED && !endOfInput) {
        searched = at;
        return 0;
      }
      at++;
    }
    searched = Math.max(searched, last + 1);
    return 0;
  }

  /**
   * Whether a complete frame that parses and validates starts {@code at} bytes after the reader index
   * and ends within {@code frameLength}: {@code at} if so, {@link #NOT_A_FRAME}, or {@link #UNDECIDED}
   * when the bytes for it are not all here.
   */
  private int frameAt(ByteBuf in, int at, int frameLength, int available) {
    int index = in.readerIndex() + at;
    int magicBytes = Math.min(4, available - at);
    if (!FrameScan.isMagicPrefix(in, index, magicBytes)) {
      return NOT_A_FRAME;
    }
    if (magicBytes < 4 || available - at < Framing.HEADER_LENGTH) {
      return UNDECIDED;
    }
    int length = in.getInt(index + 4);
    if (length <= 0 || length > frameLength - at - Framing.HEADER_LENGTH) {
      return NOT_A_FRAME;
    }
    if (available - at < Framing.HEADER_LENGTH + length) {
      return UNDECIDED;
    }
    AgentMessage inner = FrameScan.parse(in, index + Framing.HEADER_LENGTH, length);
    return inner != null && FrameScan.validate(inner, requireMessageId) == null ? at : NOT_A_FRAME;
  }
}
