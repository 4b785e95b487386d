package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
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
import java.util.concurrent.RejectedExecutionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a file into the guest in strictly sequential, acknowledged chunks, as the agent requires:
 * chunk 0 at offset 0 truncates, so no chunk may overtake it. The last chunk carries the mode; an
 * empty source still sends one empty chunk.
 */
final class Upload extends SequentialChunks<FileWriteResponse, TransferResult> {
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
    super(source, options.chunkSize());
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
    try {
      client.link().config().callbackExecutor().execute(upload::start);
    } catch (RejectedExecutionException e) {
      AgentException cause = client.link().closedCause();
      upload.result.completeExceptionally(AgentException.of(Code.UNAVAILABLE, cause != null
          ? cause.getMessage() : "the callback executor refused the upload: " + e, e));
    }
    return upload.result;
  }

  @Override
  protected String what() {
    return "upload to " + remotePath;
  }

  @Override
  protected CompletableFuture<FileWriteResponse> send(int number, long offset, byte[] data,
      boolean last) {
    FileWriteRequest.Builder req = FileWriteRequest.newBuilder()
        .setPath(remotePath)
        .setData(UnsafeByteOperations.unsafeWrap(data))
        .setOffset(offset)
        .setChunkNumber(number)
        .setEof(last);
    if (number == 0) {
      req.setCreateParents(options.createParents());
    }
    if (last) {
      if (options.mode() > 0) {
        req.setMode(options.mode());
      }
      req.setTotalChunks(number + 1);
    }
    Deadline deadline = overall != null ? overall : Deadline.after(CallOptions.DEFAULT_TIMEOUT);
    return client.call(Operation.FILE_WRITE, AgentMessage.newBuilder().setFileWrite(req).build(),
        deadline, null, false, reply -> reply.getFileWriteResponse());
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

  @Override
  protected void lastAcknowledged(FileWriteResponse ack) {
    result.complete(new TransferResult(sent(), chunks(),
        Duration.ofNanos(System.nanoTime() - startNanos)));
  }
}
