package io.quantix.agent.framing;

/**
 * A message that encodes to more than {@link Framing#MAX_PAYLOAD_LENGTH} bytes. Raised before a byte
 * is written, so the stream is never left with a partial frame.
 */
public final class FrameTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long payloadLength;

  /** @param payloadLength the encoded length that was refused */
  public FrameTooLargeException(long payloadLength) {
    super("message encodes to " + payloadLength + " bytes, over the agent's frame limit of "
        + Framing.MAX_PAYLOAD_LENGTH + " bytes");
    this.payloadLength = payloadLength;
  }

  /** The encoded payload length that was refused. */
  public long payloadLength() {
    return payloadLength;
  }
}
