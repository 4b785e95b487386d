package io.quantix.agent.framing;

import io.quantix.agent.proto.AgentMessage;

/**
 * Constants of the agent's framing and a size check usable before any I/O.
 *
 * <pre>{@code
 * Framing.checkEncodable(message);   // throws FrameTooLargeException above 16 MiB
 * }</pre>
 */
public final class Framing {
  /** The four magic bytes {@code 51 54 58 01} ("QTX" and 0x01) that open every frame. */
  public static final int MAGIC = 0x5154_5801;
  /** Magic plus length. */
  public static final int HEADER_LENGTH = 8;
  /** Length of the legacy header (length only). */
  public static final int LEGACY_HEADER_LENGTH = 4;
  /** Largest payload either side accepts: 16 MiB, as the agent. */
  public static final int MAX_PAYLOAD_LENGTH = 16 * 1024 * 1024;
  /** Bytes scanned without finding a magic after which the stream is abandoned, as the agent. */
  public static final int RESYNC_LIMIT = 64 * 1024;

  private Framing() {}

  /**
   * Fails with {@link FrameTooLargeException} when {@code message} would not fit in one frame, and
   * with {@link IllegalArgumentException} when it is empty: a zero-length frame is outside the
   * agent's 1..16 MiB and would make it resynchronise.
   *
   * @return the payload length the message encodes to
   */
  public static int checkEncodable(AgentMessage message) {
    int size = message.getSerializedSize();
    if (size > MAX_PAYLOAD_LENGTH) {
      throw new FrameTooLargeException(size);
    }
    if (size == 0) {
      throw new IllegalArgumentException("an empty AgentMessage would be a zero-length frame,"
          + " which the agent rejects; give it a payload or a message_id");
    }
    return size;
  }
}
