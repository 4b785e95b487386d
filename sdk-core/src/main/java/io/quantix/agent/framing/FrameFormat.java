package io.quantix.agent.framing;

/**
 * Which framing a connection speaks.
 *
 * <pre>{@code
 * pipeline.addLast(new FrameDecoder(FrameFormat.AUTO), new FrameEncoder(FrameFormat.MAGIC));
 * }</pre>
 */
public enum FrameFormat {
  /** Magic {@code 51 54 58 01}, u32 BE length, payload: every agent since 2026-01-30. */
  MAGIC,
  /** u32 BE length and payload, no magic and no resync: agents built before 2026-01-30. */
  LEGACY,
  /**
   * Decoder only: decide from the first bytes of the stream. A stream that starts with the magic, or
   * whose first frame does not parse as a legacy frame, is {@link #MAGIC}.
   */
  AUTO
}
