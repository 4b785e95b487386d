package io.quantix.agent.framing;

/**
 * What the {@link FrameDecoder} did with bytes that were not a good frame. Fired down the pipeline
 * as user events (never as exceptions) and counted in {@link FramingStats}.
 *
 * <pre>{@code
 * public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
 *   if (evt instanceof FrameOutcome.ResyncFailed) {
 *     ctx.close();
 *   }
 * }
 * }</pre>
 */
public sealed interface FrameOutcome {

  /** Bytes skipped while scanning for a magic. */
  record GarbageSkipped(int bytes) implements FrameOutcome {}

  /**
   * A frame dropped (or its header, or the part of it before a magic); {@code bytes} is how much of
   * the stream it consumed.
   */
  record FrameDropped(DropReason reason, long bytes) implements FrameOutcome {}

  /**
   * The decoder gave up: {@link Framing#RESYNC_LIMIT} bytes without a magic, or a legacy stream
   * that cannot be framed any more. Every later byte is discarded; the connection must be closed.
   */
  record ResyncFailed(long bytesScanned, String reason) implements FrameOutcome {}

  /**
   * The peer speaks the other framing: a legacy decoder met the magic, or a magic decoder met a
   * stream that starts with a complete valid legacy frame. A {@link ResyncFailed} with the same hint
   * follows: every later byte is discarded and the connection must be closed. {@link #hint()} says
   * what to configure.
   */
  record FramingMismatch(FrameFormat expected, FrameFormat seen) implements FrameOutcome {
    /** A sentence for people: what the agent speaks and what to use. */
    public String hint() {
      return seen == FrameFormat.MAGIC
          ? "framing mismatch: the agent speaks the magic framing (frames start with QTX\\x01) but "
              + "this endpoint is set to framing=legacy; use framing=auto (or framing=magic)"
          : "framing mismatch: the agent speaks the legacy framing (length-prefixed frames without "
              + "magic, agents built before 2026-01-30) but this endpoint is set to framing=magic; "
              + "use framing=auto (or framing=legacy)";
    }
  }

  /** Why a frame was dropped. */
  enum DropReason {
    /**
     * Length 0 or over 16 MiB after a magic; the 8 header bytes are dropped, or fewer when a magic
     * starts inside them (a frame cut down to its magic or to part of its length).
     */
    BAD_LENGTH,
    /**
     * The payload is not a protobuf {@code AgentMessage}, or the frame was cut short: its declared
     * length holds a complete valid frame, or the stream ended first. Dropped up to the next magic
     * inside it, where decoding goes on.
     */
    UNPARSABLE,
    /** The message carries no payload this protocol version knows; the whole frame is dropped. */
    NO_PAYLOAD,
    /** The message_id is empty, too long or not printable; the whole frame is dropped. */
    BAD_MESSAGE_ID
  }
}
