package io.quantix.agent.qga.internal;

import io.quantix.agent.AgentException;
import io.quantix.agent.qga.QgaTransfer;
import io.quantix.agent.qga.QgaTransferOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * A local file to the guest: guest-file-open (mode w), one guest-file-write per chunk, read from
 * disk one chunk ahead of nothing (one chunk in memory), guest-file-close in every outcome (also
 * failure and cancellation), then the guest's sha256 if asked.
 */
public final class FilePush {
  private final Calls calls;
  private final Path local;
  private final String guestPath;
  private final QgaTransferOptions options;
  private final CompletableFuture<QgaTransfer> result = new CompletableFuture<>();
  private final MessageDigest sha256;
  private FileChannel file;
  private long size;
  private long sent;
  private int chunks;

  private FilePush(Calls calls, Path local, String guestPath, QgaTransferOptions options) {
    this.calls = calls;
    this.local = local;
    this.guestPath = guestPath;
    this.options = options;
    this.sha256 = GuestFiles.sha256();
  }

  /** Starts the push; bad arguments fail before any I/O. */
  public static CompletableFuture<QgaTransfer> start(Calls calls, Path local, String guestPath,
      QgaTransferOptions options) {
    GuestFiles.checkGuestPath(guestPath);
    if (!Files.isRegularFile(local)) {
      throw AgentException.invalidArgument("not a readable regular file: " + local);
    }
    FilePush push = new FilePush(calls, local, guestPath, options);
    try {
      push.file = FileChannel.open(local, StandardOpenOption.READ);
      push.size = push.file.size();
    } catch (IOException e) {
      throw AgentException.invalidArgument("cannot read " + local + ": " + e.getMessage());
    }
    push.result.whenComplete((r, e) -> push.closeLocal());
    GuestFiles.open(calls, guestPath, "w", options).whenComplete((handle, e) -> {
      if (e != null) {
        push.result.completeExceptionally(AgentException.from(e));
      } else if (push.result.isDone()) {
        GuestFiles.close(calls, handle); // cancelled while opening
      } else {
        push.writeNext(handle);
      }
    });
    return push.result;
  }

  private void writeNext(long handle) {
    if (result.isDone()) {
      GuestFiles.close(calls, handle);
      return;
    }
    byte[] chunk;
    try {
      ByteBuffer buffer = ByteBuffer.allocate(options.chunkBytes());
      while (buffer.hasRemaining() && file.read(buffer) >= 0) {
        // fill the chunk: a short read is not the end of the file
      }
      chunk = Arrays.copyOf(buffer.array(), buffer.position());
    } catch (IOException e) {
      fail(handle, AgentException.of(AgentException.Code.UNAVAILABLE,
          "reading " + local + ": " + e.getMessage(), e));
      return;
    }
    if (chunk.length == 0 && chunks > 0) {
      finish(handle);
      return;
    }
    sha256.update(chunk);
    String b64 = Base64.getEncoder().encodeToString(chunk);
    calls.call("guest-file-write", Json.object().put("handle", handle).put("buf-b64", b64),
        options.chunkTimeout(), v -> Parsers.required(v, "count", "guest-file-write").asLong())
        .whenComplete((count, e) -> {
          if (e != null) {
            fail(handle, AgentException.from(e));
          } else if (count != chunk.length) {
            fail(handle, AgentException.of(AgentException.Code.PROTOCOL, "guest-file-write wrote "
                + count + " of " + chunk.length + " bytes to " + guestPath).withMayHaveRun(true));
          } else {
            sent += count;
            chunks++;
            options.progress().onProgress(sent, size);
            if (chunk.length < options.chunkBytes()) {
              finish(handle);
            } else {
              writeNext(handle);
            }
          }
        });
  }

  private void finish(long handle) {
    String digest = GuestFiles.hex(sha256.digest());
    GuestFiles.closeAndVerify(calls, handle, "push", guestPath, digest, options)
        .whenComplete((guest, e) -> {
          if (e != null) {
            result.completeExceptionally(AgentException.from(e));
          } else {
            result.complete(new QgaTransfer(sent, digest, guest, chunks));
          }
        });
  }

  private void fail(long handle, AgentException failure) {
    GuestFiles.close(calls, handle).whenComplete((v, e) -> result.completeExceptionally(failure));
  }

  private void closeLocal() {
    try {
      file.close();
    } catch (IOException ignored) {
      // read-only descriptor: nothing was written that a failed close could lose
    }
  }
}
