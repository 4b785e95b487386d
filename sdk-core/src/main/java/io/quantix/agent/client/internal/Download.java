package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileReadRequest;
import io.quantix.agent.proto.FileReadResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a guest file with pipelined ranged reads and writes it to a sink in order. A reply may
 * carry less than asked, with {@code eof} set although {@code total_size} says more (agents built
 * against an old tokio return 16 KiB per read), so the rest of a short range is asked for again;
 * the download is complete only when the bytes received reach {@code total_size}.
 *
 * <p>The window is planned in bytes ({@code chunkSize * pipelineDepth}), not in requests: once a
 * reply shows the agent returns fewer bytes per read than asked, requests are sized to what it
 * returns and enough of them are kept in flight to fill the same bytes (at most
 * {@value #MAX_REQUESTS_IN_FLIGHT}), so a 16 KiB build and a 1 MiB build both keep the channel
 * busy. Memory is bounded: no range more than two windows past the bytes already written is asked
 * for. A reply's data is the frame's own bytes (the decoder copies a frame once out of the socket
 * buffer and protobuf aliases it), written to the sink without another copy ({@link SinkOutput});
 * the frame's array is then given back, so the next long frame is copied into it rather than into
 * a new, zeroed one.
 */
final class Download {
  private final AgentClientImpl client;
  private final String remotePath;
  private final OutputStream sink;
  private final DownloadOptions options;
  private final Deadline overall;
  private final CompletableFuture<TransferResult> result = new CompletableFuture<>();
  private final long startNanos = System.nanoTime();
  private final TreeMap<Long, com.google.protobuf.ByteString> received = new TreeMap<>();
  private long buffered;
  private final ArrayDeque<long[]> gaps = new ArrayDeque<>();
  private final List<CompletableFuture<?>> inFlight = new ArrayList<>();
  private long total = -1;
  private long nextOffset;
  private long written;
  private int requests;
  private int outstanding;
  /** Bytes one request asks for: the chunk size until the agent is seen to return less. */
  private int perRequest;
  private final long windowBytes;

  /** Most reads in flight, whatever the agent returns per read. */
  static final int MAX_REQUESTS_IN_FLIGHT = 256;

  private Download(AgentClientImpl client, String remotePath, OutputStream sink,
      DownloadOptions options) {
    this.client = client;
    this.remotePath = remotePath;
    this.sink = sink;
    this.options = options;
    this.overall = client.options().hasExplicitDeadline() ? client.deadline() : null;
    this.perRequest = options.chunkSize();
    this.windowBytes = (long) options.chunkSize() * options.pipelineDepth();
  }

  static CompletableFuture<TransferResult> toStream(AgentClientImpl client, String remotePath,
      OutputStream sink, DownloadOptions options) {
    try {
      Checks.absolutePath(remotePath, "remote path");
      Checks.notNull(sink, "sink");
      Checks.notNull(options, "options");
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    }
    Download d = new Download(client, remotePath, sink, options);
    d.result.whenComplete((r, e) -> d.cancelOutstanding());
    return client.guarded(
        () -> client.describe(GuestOperation.DOWNLOAD).path(remotePath).build(), () -> {
          synchronized (d) {
            d.request(0, options.chunkSize());
          }
          return d.result;
        }, null);
  }

  static CompletableFuture<TransferResult> toPath(AgentClientImpl client, String remotePath,
      Path local, DownloadOptions options) {
    Path temp;
    OutputStream out;
    try {
      Checks.notNull(local, "local path");
      Path dir = local.toAbsolutePath().getParent();
      temp = Files.createTempFile(dir, "." + local.getFileName(), ".part");
      out = Files.newOutputStream(temp);
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(AgentException.invalidArgument(
          "cannot write to " + local + ": " + e));
    }
    return toStream(client, remotePath, out, options).handle((r, e) -> {
      try {
        out.close();
        if (e == null) {
          Files.move(temp, local, StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
          return r;
        }
      } catch (IOException io) {
        deleteQuietly(temp);
        throw AgentException.of(Code.INVALID_ARGUMENT, "cannot write " + local + ": " + io, io);
      }
      deleteQuietly(temp);
      throw AgentException.from(e);
    });
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // Best effort: a stray .part file is harmless.
    }
  }

  /** Asks for {@code length} bytes at {@code offset}; called under this object's lock. */
  private void request(long offset, int length) {
    requests++;
    outstanding++;
    FileReadRequest req = FileReadRequest.newBuilder().setPath(remotePath).setOffset(offset)
        .setLength(length).setChunkSize(length).build();
    Deadline deadline = overall != null ? overall : Deadline.after(CallOptions.DEFAULT_TIMEOUT);
    CompletableFuture<FileReadResponse> f = client.sendPart(Operation.FILE_READ,
        AgentMessage.newBuilder().setFileRead(req).build(), deadline, null, false,
        AgentMessage::getFileReadResponse);
    inFlight.add(f);
    f.whenComplete((r, e) -> onReply(f, offset, length, r, e));
  }

  private synchronized void onReply(CompletableFuture<?> f, long offset, int length,
      FileReadResponse r, Throwable e) {
    inFlight.remove(f);
    outstanding--;
    if (result.isDone()) {
      return;
    }
    try {
      if (e != null) {
        throw AgentException.from(e);
      }
      accept(offset, length, r);
      drainToSink();
      if (total >= 0 && written >= total && outstanding == 0) {
        sink.flush();
        result.complete(new TransferResult(written, requests,
            Duration.ofNanos(System.nanoTime() - startNanos)));
        return;
      }
      refill();
    } catch (AgentException ex) {
      result.completeExceptionally(ex);
    } catch (RuntimeException bug) {
      // A throwing progress callback must not leave the download's future pending forever.
      result.completeExceptionally(AgentException.of(Code.INVALID_ARGUMENT,
          "download of " + remotePath + " stopped: a callback threw " + bug, bug));
    } catch (IOException io) {
      result.completeExceptionally(AgentException.of(Code.INVALID_ARGUMENT,
          "writing the download of " + remotePath + " failed: " + io, io));
    }
  }

  private void accept(long offset, int length, FileReadResponse r) {
    if (!r.getSuccess()) {
      throw AgentException.remote("download of " + remotePath, r.getError());
    }
    if (r.getOffset() != offset) {
      throw AgentException.of(Code.PROTOCOL, "read of " + remotePath + " at " + offset
          + " was answered for offset " + r.getOffset());
    }
    int n = r.getData().size();
    if (n > length) {
      throw AgentException.of(Code.PROTOCOL, "read of " + remotePath + " at " + offset
          + " returned " + n + " bytes, more than the " + length + " asked");
    }
    if (total < 0) {
      total = r.getTotalSize();
      if (total > options.maxBytes()) {
        throw AgentException.of(Code.RESOURCE_EXHAUSTED, remotePath + " is " + total
            + " bytes, over the download limit of " + options.maxBytes());
      }
      nextOffset = offset + length;
    } else if (r.getTotalSize() != total && offset + n >= r.getTotalSize()) {
      throw AgentException.of(Code.REMOTE_FAILURE, remotePath + " changed size during the"
          + " download (" + total + " -> " + r.getTotalSize() + " bytes)");
    }
    long want = Math.min(length, Math.max(0, total - offset));
    if (n < want) {
      if (n == 0) {
        throw AgentException.of(Code.PROTOCOL, "read of " + remotePath + " at " + offset
            + " made no progress (" + (r.getEof() ? "eof" : "no eof") + ", size " + total + ")");
      }
      // The agent returns at most n per read: plan every later request on that.
      perRequest = Math.min(perRequest, n);
      gaps.addFirst(new long[] {offset + n, want - n});
    }
    if (n > 0) {
      // Kept as the reply's ByteString: written to the sink without another copy.
      received.put(offset, r.getData());
      buffered += n;
    }
    if (written + buffered > options.maxBytes()) {
      throw AgentException.of(Code.RESOURCE_EXHAUSTED, remotePath
          + " grew over the download limit of " + options.maxBytes());
    }
  }

  private void drainToSink() throws IOException {
    while (!received.isEmpty() && received.firstKey() == written) {
      com.google.protobuf.ByteString chunk = received.pollFirstEntry().getValue();
      // The chunk's last use: its frame array goes back for the next long frame.
      SinkOutput.writeLast(chunk, sink);
      buffered -= chunk.size();
      written += chunk.size();
      options.progress().onProgress(written, total);
    }
  }

  /** Requests in flight that fill the window at the bytes the agent returns per read. */
  private int depth() {
    long requests = (windowBytes + perRequest - 1) / perRequest;
    return (int) Math.max(1, Math.min(MAX_REQUESTS_IN_FLIGHT, requests));
  }

  private void refill() {
    while (outstanding < depth() && !result.isDone()) {
      long[] gap = gaps.pollFirst();
      if (gap != null) {
        int length = (int) Math.min(gap[1], perRequest);
        if (length < gap[1]) {
          gaps.addFirst(new long[] {gap[0] + length, gap[1] - length});
        }
        request(gap[0], length);
        continue;
      }
      if (total < 0 || nextOffset >= total || nextOffset - written >= 2 * windowBytes) {
        break;
      }
      int length = (int) Math.min(perRequest, total - nextOffset);
      long at = nextOffset;
      nextOffset += length;
      request(at, length);
    }
  }

  private synchronized void cancelOutstanding() {
    if (result.isCompletedExceptionally()) {
      for (CompletableFuture<?> f : new ArrayList<>(inFlight)) {
        f.cancel(false);
      }
    }
  }
}
