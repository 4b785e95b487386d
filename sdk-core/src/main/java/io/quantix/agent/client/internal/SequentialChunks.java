package io.quantix.agent.client.internal;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a source in strictly sequential, acknowledged chunks: chunk {@code n + 1} leaves only once
 * the agent acknowledged chunk {@code n}, because the agent writes them in arrival order (file
 * writes and agent updates alike). One chunk is read ahead so that the last one is known when it
 * is sent. The result completes in every outcome; cancelling it cancels the chunk in flight, and
 * the source is closed either way.
 *
 * @param <R> the agent's acknowledgement of one chunk
 * @param <T> the result of the whole transfer
 */
abstract class SequentialChunks<R, T> {
  protected final CompletableFuture<T> result = new CompletableFuture<>();
  private final ChunkSource source;
  private final int chunkSize;
  private volatile CompletableFuture<?> current;
  private long sent;
  private int chunks;

  SequentialChunks(ChunkSource source, int chunkSize) {
    this.source = source;
    this.chunkSize = chunkSize;
    result.whenComplete((r, e) -> {
      CompletableFuture<?> inFlight = current;
      if (result.isCancelled() && inFlight != null) {
        inFlight.cancel(false);
      }
      try {
        source.close();
      } catch (IOException ignored) {
        // Closing a read-only source cannot lose data.
      }
    });
  }

  /** What is being sent, for messages: "upload to /etc/motd". */
  protected abstract String what();

  /** Sends chunk {@code number} of {@code data}; {@code last} when no chunk follows. */
  protected abstract CompletableFuture<R> send(int number, long offset, byte[] data, boolean last);

  /** A failure when {@code ack} does not acknowledge chunk {@code number} of {@code length} bytes. */
  protected abstract AgentException check(R ack, int number, int length);

  /** Called after each acknowledged chunk with the bytes acknowledged so far. */
  protected abstract void progress(long sentBytes);

  /** Completes {@link #result} (or fails it) once the last chunk was acknowledged. */
  protected abstract void lastAcknowledged(R ack);

  /** Bytes acknowledged so far. */
  protected final long sent() {
    return sent;
  }

  /** Chunks acknowledged so far. */
  protected final int chunks() {
    return chunks;
  }

  /** Reads the first two chunks and sends the first; on the callback executor, never on I/O. */
  final void start() {
    try {
      byte[] head = read();
      sendChunk(head, read());
    } catch (IOException e) {
      result.completeExceptionally(readFailed(e));
    }
  }

  private byte[] read() throws IOException {
    byte[] buf = new byte[chunkSize];
    int n = source.read(buf);
    return n == buf.length ? buf : Arrays.copyOf(buf, n);
  }

  private AgentException readFailed(IOException e) {
    return AgentException.of(Code.INVALID_ARGUMENT, what() + ": reading the source failed: " + e, e);
  }

  private void sendChunk(byte[] data, byte[] next) {
    if (result.isDone()) {
      return;
    }
    boolean last = next.length == 0;
    int number = chunks;
    CompletableFuture<R> ack = send(number, sent, data, last);
    current = ack;
    ack.whenComplete((r, e) -> {
      try {
        onAck(r, e, data.length, next, last, number);
      } catch (RuntimeException bug) {
        // A throwing progress callback must not leave the result pending forever.
        result.completeExceptionally(AgentException.of(Code.INVALID_ARGUMENT,
            what() + " stopped: a callback threw " + bug, bug));
      }
    });
  }

  private void onAck(R ack, Throwable e, int length, byte[] next, boolean last, int number) {
    if (e != null) {
      result.completeExceptionally(AgentException.from(e));
      return;
    }
    AgentException wrong = check(ack, number, length);
    if (wrong != null) {
      result.completeExceptionally(wrong);
      return;
    }
    sent += length;
    chunks++;
    progress(sent);
    if (last) {
      lastAcknowledged(ack);
      return;
    }
    try {
      sendChunk(next, read());
    } catch (IOException io) {
      result.completeExceptionally(readFailed(io));
    }
  }
}
