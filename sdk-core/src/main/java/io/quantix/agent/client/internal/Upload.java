package io.quantix.agent.client.internal;

import com.google.protobuf.UnsafeByteOperations;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.FileWriteResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a file into the guest in strictly sequential, acknowledged chunks, as the agent requires:
 * chunk 0 at offset 0 truncates, so no chunk may overtake it. One chunk is read ahead so the last
 * chunk is known (it carries the mode); an empty source still sends one empty chunk.
 */
final class Upload {
  private final AgentClientImpl client;
  private final ChunkSource source;
  private final String remotePath;
  private final UploadOptions options;
  private final Deadline overall;
  private final CompletableFuture<TransferResult> result = new CompletableFuture<>();
  private final long startNanos = System.nanoTime();
  private long offset;
  private int chunk;
  private CompletableFuture<?> current;

  /** Opens a source; failures to open become INVALID_ARGUMENT or UNAVAILABLE. */
  interface Opener<S> {
    ChunkSource open(S source) throws IOException;
  }

  private Upload(AgentClientImpl client, ChunkSource source, String remotePath,
      UploadOptions options) {
    this.client = client;
    this.source = source;
    this.remotePath = remotePath;
    this.options = options;
    this.overall = client.options().hasExplicitDeadline() ? client.deadline() : null;
  }

  static <S> CompletableFuture<TransferResult> start(AgentClientImpl client, Opener<S> opener,
      S data, String remotePath, UploadOptions options) {
    ChunkSource source;
    try {
      Checks.notNull(data, "upload source");
      Checks.absolutePath(remotePath, "remote path");
      Checks.notNull(options, "options");
      source = opener.open(data);
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(AgentException.invalidArgument(
          "cannot read upload source: " + e));
    }
    Upload upload = new Upload(client, source, remotePath, options);
    upload.result.whenComplete((r, e) -> upload.finish());
    client.link().config().callbackExecutor().execute(upload::first);
    return upload.result;
  }

  private void first() {
    try {
      byte[] head = read();
      sendChunk(head, read());
    } catch (IOException e) {
      result.completeExceptionally(AgentException.of(Code.INVALID_ARGUMENT,
          "reading the upload source failed: " + e, e));
    }
  }

  private byte[] read() throws IOException {
    byte[] buf = new byte[options.chunkSize()];
    int n = source.read(buf);
    if (n == buf.length) {
      return buf;
    }
    byte[] exact = new byte[n];
    System.arraycopy(buf, 0, exact, 0, n);
    return exact;
  }

  private void sendChunk(byte[] data, byte[] next) {
    if (result.isDone()) {
      return;
    }
    boolean last = next.length == 0;
    FileWriteRequest.Builder req = FileWriteRequest.newBuilder()
        .setPath(remotePath)
        .setData(UnsafeByteOperations.unsafeWrap(data))
        .setOffset(offset)
        .setChunkNumber(chunk)
        .setEof(last);
    if (chunk == 0) {
      req.setCreateParents(options.createParents());
    }
    if (last) {
      if (options.mode() > 0) {
        req.setMode(options.mode());
      }
      req.setTotalChunks(chunk + 1);
    }
    int expectedChunk = chunk;
    Deadline deadline = overall != null ? overall : Deadline.after(CallOptions.DEFAULT_TIMEOUT);
    CompletableFuture<FileWriteResponse> sent = client.call(Operation.FILE_WRITE,
        AgentMessage.newBuilder().setFileWrite(req).build(), deadline, null, false,
        reply -> reply.getFileWriteResponse());
    current = sent;
    sent.whenComplete((r, e) -> {
      try {
        onAck(data, next, last, expectedChunk, r, e);
      } catch (RuntimeException bug) {
        // A throwing progress callback must not leave the upload's future pending forever.
        result.completeExceptionally(AgentException.of(Code.INVALID_ARGUMENT,
            "upload to " + remotePath + " stopped: a callback threw " + bug, bug));
      }
    });
  }

  private void onAck(byte[] data, byte[] next, boolean last, int expectedChunk,
      FileWriteResponse r, Throwable e) {
    if (e != null) {
      result.completeExceptionally(AgentException.from(e));
      return;
    }
    if (!r.getSuccess()) {
      result.completeExceptionally(AgentException.remote("upload to " + remotePath,
          r.getError()));
      return;
    }
    if (r.getBytesWritten() != data.length || r.getChunkNumber() != expectedChunk) {
      result.completeExceptionally(AgentException.of(Code.PROTOCOL, "upload to " + remotePath
          + ": chunk " + expectedChunk + " acknowledged as chunk " + r.getChunkNumber()
          + " with " + r.getBytesWritten() + " of " + data.length + " bytes"));
      return;
    }
    offset += data.length;
    chunk++;
    options.progress().onProgress(offset, source.size());
    if (last) {
      result.complete(new TransferResult(offset, chunk,
          Duration.ofNanos(System.nanoTime() - startNanos)));
      return;
    }
    try {
      sendChunk(next, read());
    } catch (IOException io) {
      result.completeExceptionally(AgentException.of(Code.INVALID_ARGUMENT,
          "reading the upload source failed: " + io, io));
    }
  }

  private void finish() {
    CompletableFuture<?> inFlight = current;
    if (result.isCancelled() && inFlight != null) {
      inFlight.cancel(false);
    }
    try {
      source.close();
    } catch (IOException ignored) {
      // Closing a read-only source cannot lose data.
    }
  }
}
