package io.quantix.agent.framing;

/**
 * Counters of one decoder. Written by its event loop only, readable from any thread.
 *
 * <pre>{@code
 * FramingStats stats = decoder.stats();
 * log.info("skipped {} bytes, dropped {} frames", stats.skippedBytes(), stats.droppedFrames());
 * }</pre>
 */
public final class FramingStats {
  private volatile long decodedFrames;
  private volatile long decodedBytes;
  private volatile long skippedBytes;
  private volatile long droppedFrames;
  private volatile long resyncFailures;

  void decoded(int frameBytes) {
    decodedFrames++;
    decodedBytes += frameBytes;
  }

  void skipped(int bytes) {
    skippedBytes += bytes;
  }

  void dropped() {
    droppedFrames++;
  }

  void resyncFailed() {
    resyncFailures++;
  }

  /** Good frames handed on. */
  public long decodedFrames() {
    return decodedFrames;
  }

  /** Bytes of good frames, headers included. */
  public long decodedBytes() {
    return decodedBytes;
  }

  /** Bytes skipped while scanning for a magic. */
  public long skippedBytes() {
    return skippedBytes;
  }

  /** Frames dropped for a bad length, an unparsable payload, no payload or a bad message_id. */
  public long droppedFrames() {
    return droppedFrames;
  }

  /** Times the decoder gave the stream up. */
  public long resyncFailures() {
    return resyncFailures;
  }

  @Override
  public String toString() {
    return "FramingStats{decodedFrames=" + decodedFrames + ", decodedBytes=" + decodedBytes
        + ", skippedBytes=" + skippedBytes + ", droppedFrames=" + droppedFrames
        + ", resyncFailures=" + resyncFailures + '}';
  }
}
