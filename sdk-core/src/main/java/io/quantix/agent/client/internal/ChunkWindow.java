package io.quantix.agent.client.internal;

import com.google.protobuf.ByteString;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.TransferResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a source as numbered chunks at their own offsets: chunk 0 alone first (it truncates), then
 * up to {@code window} chunks in flight, acknowledged in any order. At most {@code window + 2}
 * chunks of the source are held (those in flight, the next one, and the one read ahead to know
 * which chunk is last). With {@code lastAlone} the last chunk leaves only once every other chunk
 * was acknowledged. A failed chunk fails the transfer with its number and offset; the result
 * completes in every outcome, and when it fails or is cancelled every request still in flight is
 * cancelled at once; the source is closed either way. Window 1 is strictly sequential.
 *
 * <p>State is guarded by this object's lock; acknowledgements arrive on the callback executor and
 * may arrive inline while a chunk is being sent, which the {@code pumping} flag absorbs.
 *
 * @param <R> the agent's acknowledgement of one chunk
 */
abstract class ChunkWindow<R> {
  /** Sentinel key of a request that is not a chunk (the final stat). */
  private static final int NOT_A_CHUNK = -1;

  protected final CompletableFuture<TransferResult> result = new CompletableFuture<>();
  private final ChunkSource source;
  private final int chunkSize;
  private final int window;
  private final boolean lastAlone;
  private final Map<Integer, CompletableFuture<?>> inFlight = new HashMap<>();
  private ByteString current;
  private ByteString ahead;
  private int number;
  private long offset;
  private boolean firstAcknowledged;
  private boolean lastSent;
  private boolean pumping;
  private long acknowledged;
  private int acknowledgedChunks;
  private AgentException failing;

  ChunkWindow(ChunkSource source, int chunkSize, int window, boolean lastAlone) {
    this.source = source;
    this.chunkSize = chunkSize;
    this.window = window;
    this.lastAlone = lastAlone;
    result.whenComplete((r, e) -> {
      if (e != null) {
        cancelInFlight();
      }
      try {
        source.close();
      } catch (IOException ignored) {
        // Closing a read-only source cannot lose data.
      }
    });
  }

  /** Bytes the agent has acknowledged so far (what an audit record counts as moved). */
  protected final synchronized long acknowledgedBytes() {
    return acknowledged;
  }

  /** What is being sent, for messages: "upload to /etc/motd". */
  protected abstract String what();

  /** The transfer's overall deadline, or null when each request has its own. */
  protected abstract Deadline deadline();

  /** Sends chunk {@code number} at {@code offset}; {@code last} when no chunk follows. */
  protected abstract CompletableFuture<R> send(int number, long offset, ByteString data,
      boolean last);

  /** A failure when {@code ack} does not acknowledge chunk {@code number} of {@code length} B. */
  protected abstract AgentException check(R ack, int number, int length);

  /** Called after each acknowledged chunk with the bytes acknowledged so far. */
  protected abstract void progress(long acknowledgedBytes);

  /** Every chunk is acknowledged: completes {@link #result} (or fails it). */
  protected abstract void allAcknowledged(long bytes, int chunks);

  /** Starts sending; on the callback executor, never on I/O. */
  final synchronized void start() {
    pump();
  }

  /** Keeps {@code f} to be cancelled with the transfer (a request that is not a chunk). */
  protected final synchronized void track(CompletableFuture<?> f) {
    inFlight.put(NOT_A_CHUNK, f);
    f.whenComplete((r, e) -> untrack(f));
  }

  private synchronized void untrack(CompletableFuture<?> f) {
    inFlight.remove(NOT_A_CHUNK, f);
  }

  /**
   * Fails the transfer (no effect once it completed). Once a chunk was acknowledged the guest file
   * was already written, so the failure says the transfer may have run whatever its cause (a
   * later chunk that was never sent, a closed registry) says of itself.
   */
  protected final void fail(AgentException e) {
    boolean written;
    synchronized (this) {
      written = acknowledgedChunks > 0;
    }
    result.completeExceptionally(written && !e.mayHaveRun() ? e.withMayHaveRun(true) : e);
  }

  private void failOnceSettled() {
    if (inFlight.isEmpty()) {
      fail(failing);
    }
  }

  private void pump() {
    if (failing != null || pumping) {
      return;
    }
    pumping = true;
    try {
      while (!result.isDone() && !lastSent && inFlight.size() < (firstAcknowledged ? window : 1)) {
        if (number > 0 && !firstAcknowledged) {
          break;
        }
        Deadline deadline = deadline();
        if (deadline != null && deadline.isExpired()) {
          fail(AgentException.of(Code.DEADLINE_EXCEEDED, what() + ": deadline passed before"
              + " chunk " + number + " at offset " + offset + " was sent"));
          break;
        }
        if (current == null) {
          current = source.readChunk(chunkSize);
        }
        if (ahead == null) {
          ahead = current.isEmpty() ? ByteString.EMPTY : source.readChunk(chunkSize);
        }
        boolean last = ahead.isEmpty();
        if (last && lastAlone && !inFlight.isEmpty()) {
          break;
        }
        sendChunk(current, last);
        current = last ? null : ahead;
        ahead = null;
      }
    } catch (IOException e) {
      fail(AgentException.of(Code.INVALID_ARGUMENT, what() + ": reading the source failed at"
          + " offset " + offset + ": " + e, e));
    } catch (RuntimeException bug) {
      fail(AgentException.of(Code.INVALID_ARGUMENT, what() + " stopped: " + bug, bug));
    } finally {
      pumping = false;
    }
  }

  private void sendChunk(ByteString data, boolean last) {
    int n = number;
    long at = offset;
    int length = data.size();
    number++;
    offset += length;
    lastSent = last;
    CompletableFuture<R> f = send(n, at, data, last);
    inFlight.put(n, f);
    f.whenComplete((r, e) -> onAck(n, at, length, r, e));
  }

  private synchronized void onAck(int n, long at, int length, R ack, Throwable e) {
    inFlight.remove(n);
    if (result.isDone()) {
      return;
    }
    if (failing != null) {
      failOnceSettled();
      return;
    }
    try {
      AgentException wrong = e != null ? AgentException.from(e) : check(ack, n, length);
      if (wrong != null) {
        // Chunks already written still land in the guest file: the transfer fails only once
        // they are answered (each under its own deadline), so a caller that deletes the file
        // on failure does not see it written again behind its back.
        failing = atOffset(wrong, n, at);
        failOnceSettled();
        return;
      }
      acknowledged += length;
      acknowledgedChunks++;
      firstAcknowledged = true;
      progress(acknowledged);
      if (lastSent && inFlight.isEmpty()) {
        allAcknowledged(acknowledged, acknowledgedChunks);
        return;
      }
      pump();
    } catch (RuntimeException bug) {
      // A throwing progress callback must not leave the result pending forever.
      fail(AgentException.of(Code.INVALID_ARGUMENT, what() + " stopped: a callback threw "
          + bug, bug));
    }
  }

  /** {@code e} naming the chunk and its offset, keeping the guest's text and "may have run". */
  private AgentException atOffset(AgentException e, int n, long at) {
    String where = what() + ": chunk " + n + " at offset " + at;
    if (e.code() == Code.REMOTE_FAILURE && e.remoteMessage().isPresent()) {
      return AgentException.remote(where, e.remoteMessage().get());
    }
    return AgentException.of(e.code(), where + " failed: " + e.getMessage(), e)
        .withMayHaveRun(e.mayHaveRun());
  }

  private void cancelInFlight() {
    ArrayList<CompletableFuture<?>> pending;
    synchronized (this) {
      pending = new ArrayList<>(inFlight.values());
      inFlight.clear();
    }
    for (CompletableFuture<?> f : pending) {
      f.cancel(false);
    }
  }
}
