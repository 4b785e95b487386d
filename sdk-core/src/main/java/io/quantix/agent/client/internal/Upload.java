package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import com.google.protobuf.ByteString;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileStatRequest;
import io.quantix.agent.proto.FileStatResponse;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.FileWriteResponse;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a file into the guest in a window of chunks (see {@link ChunkWindow}): chunk 0 at offset
 * 0 truncates, so it alone is acknowledged first; the agent opens every later chunk without
 * truncating and seeks to its offset (wire document §3.4), so those may be written in any order.
 * The last chunk carries the mode; when it does, it leaves only after every other chunk was
 * acknowledged, so a read-only mode cannot fail a write still in flight. The file's size is
 * checked with a stat before success. An empty source still sends one empty chunk.
 */
final class Upload extends ChunkWindow<FileWriteResponse> {
  private final AgentClientImpl client;
  private final String remotePath;
  private final UploadOptions options;
  private final Deadline overall;
  private final long size;
  private final long startNanos = System.nanoTime();

  /** Opens a source; failures to open become INVALID_ARGUMENT or UNAVAILABLE. */
  interface Opener<S> {
    ChunkSource open(S source) throws IOException;
  }

  private Upload(AgentClientImpl client, ChunkSource source, String remotePath,
      UploadOptions options) {
    super(source, options.chunkSize(), options.window(), options.mode() > 0);
    this.client = client;
    this.remotePath = remotePath;
    this.options = options;
    this.size = source.size();
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
    AgentException closed = client.link().closedCause();
    if (closed != null) {
      // Fails the result, which closes the source.
      upload.result.completeExceptionally(AgentException.of(Code.UNAVAILABLE, closed.getMessage()));
      return upload.result;
    }
    CompletableFuture<TransferResult> guarded = client.guarded(upload::describe, () -> {
      try {
        client.link().config().callbackExecutor().execute(upload::start);
      } catch (RejectedExecutionException e) {
        AgentException cause = client.link().closedCause();
        upload.result.completeExceptionally(AgentException.of(Code.UNAVAILABLE, cause != null
            ? cause.getMessage() : "the callback executor refused the upload: " + e, e));
      }
      return upload.result;
    }, upload::acknowledgedBytes);
    // A denied upload never starts: failing its result closes the source.
    guarded.whenComplete((r, e) -> {
      if (e != null) {
        upload.result.completeExceptionally(e);
      }
    });
    return guarded;
  }

  /** The upload as a guard judges it: once, with its path and size, before any chunk. */
  private GuardedCall describe() {
    return client.describe(GuestOperation.UPLOAD).path(remotePath).bytes(size)
        .argument("mode", Integer.toOctalString(options.mode()))
        .argument("parents", Boolean.toString(options.createParents())).build();
  }

  @Override
  protected String what() {
    return "upload to " + remotePath;
  }

  @Override
  protected Deadline deadline() {
    return overall;
  }

  @Override
  protected CompletableFuture<FileWriteResponse> send(int number, long offset, ByteString data,
      boolean last) {
    FileWriteRequest.Builder req = FileWriteRequest.newBuilder()
        .setPath(remotePath)
        .setData(data)
        .setOffset(offset)
        .setChunkNumber(number)
        .setEof(last);
    if (number == 0) {
      // Chunk 0 is acknowledged before any other leaves, so the parents exist for the rest.
      req.setCreateParents(options.createParents());
    }
    if (last) {
      if (options.mode() > 0) {
        req.setMode(options.mode());
      }
      req.setTotalChunks(number + 1);
    }
    return client.sendPart(Operation.FILE_WRITE, AgentMessage.newBuilder().setFileWrite(req).build(),
        callDeadline(), null, false, reply -> reply.getFileWriteResponse());
  }

  private Deadline callDeadline() {
    return overall != null ? overall : Deadline.after(CallOptions.DEFAULT_TIMEOUT);
  }

  @Override
  protected AgentException check(FileWriteResponse r, int number, int length) {
    if (!r.getSuccess()) {
      return AgentException.remote(what(), r.getError());
    }
    if (r.getBytesWritten() != length || r.getChunkNumber() != number) {
      return AgentException.of(Code.PROTOCOL, what() + ": chunk " + number
          + " acknowledged as chunk " + r.getChunkNumber() + " with " + r.getBytesWritten()
          + " of " + length + " bytes");
    }
    return null;
  }

  @Override
  protected void progress(long sentBytes) {
    options.progress().onProgress(sentBytes, size);
  }

  /** Every chunk is acknowledged: a stat proves the file has exactly the bytes sent. */
  @Override
  protected void allAcknowledged(long bytes, int chunks) {
    AgentMessage stat = AgentMessage.newBuilder()
        .setFileStat(FileStatRequest.newBuilder().setPath(remotePath)).build();
    CompletableFuture<FileStatResponse> f = client.sendPart(Operation.FILE_STAT, stat,
        callDeadline(), null, false, AgentMessage::getFileStatResponse);
    track(f);
    f.whenComplete((r, e) -> {
      if (e != null) {
        fail(AgentException.from(e));
      } else if (!r.getSuccess() || !r.hasEntry()) {
        fail(AgentException.remote(what() + ": stat after the last chunk", r.getError()));
      } else if (r.getEntry().getSizeBytes() != bytes) {
        fail(AgentException.of(Code.REMOTE_FAILURE, what() + ": every chunk was acknowledged"
            + " but the file has " + r.getEntry().getSizeBytes() + " bytes, not " + bytes));
      } else {
        result.complete(new TransferResult(bytes, chunks,
            Duration.ofNanos(System.nanoTime() - startNanos)));
      }
    });
  }
}
