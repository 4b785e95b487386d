package io.quantix.agent.qga.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantix.agent.AgentException;
import io.quantix.agent.qga.QgaTransfer;
import io.quantix.agent.qga.QgaTransferOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * A guest file to a local one: guest-file-open (mode r), guest-file-read per chunk until
 * {@code eof} (qemu-ga sets it only on a short read, so an exactly consumed file takes one more,
 * empty read), written to {@code <local>.part} and moved into place only when complete;
 * guest-file-close in every outcome.
 */
public final class FilePull {
  private final Calls calls;
  private final String guestPath;
  private final Path local;
  private final Path partial;
  private final QgaTransferOptions options;
  private final CompletableFuture<QgaTransfer> result = new CompletableFuture<>();
  private final MessageDigest sha256;
  private FileChannel out;
  private long received;
  private int chunks;

  private FilePull(Calls calls, String guestPath, Path local, QgaTransferOptions options) {
    this.calls = calls;
    this.guestPath = guestPath;
    this.local = local.toAbsolutePath();
    this.partial = this.local.resolveSibling(this.local.getFileName() + ".part");
    this.options = options;
    this.sha256 = GuestFiles.sha256();
  }

  /** Starts the pull; bad arguments fail before any I/O. */
  public static CompletableFuture<QgaTransfer> start(Calls calls, String guestPath, Path local,
      QgaTransferOptions options) {
    GuestFiles.checkGuestPath(guestPath);
    if (Files.isDirectory(local)) {
      throw AgentException.invalidArgument("local target is a directory: " + local);
    }
    FilePull pull = new FilePull(calls, guestPath, local, options);
    try {
      pull.out = FileChannel.open(pull.partial, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw AgentException.invalidArgument("cannot write " + pull.partial + ": " + e.getMessage());
    }
    pull.result.whenComplete((r, e) -> {
      if (e != null) {
        pull.discard();
      }
    });
    GuestFiles.open(calls, guestPath, "r", options).whenComplete((handle, e) -> {
      if (e != null) {
        pull.result.completeExceptionally(AgentException.from(e));
      } else if (pull.result.isDone()) {
        GuestFiles.close(calls, handle);
      } else {
        pull.readNext(handle);
      }
    });
    return pull.result;
  }

  private record Chunk(byte[] data, boolean eof) {}

  private void readNext(long handle) {
    if (result.isDone()) {
      GuestFiles.close(calls, handle);
      return;
    }
    calls.call("guest-file-read", Json.object().put("handle", handle)
        .put("count", options.chunkBytes()), options.chunkTimeout(), FilePull::chunk)
        .whenComplete((chunk, e) -> {
          if (e != null) {
            fail(handle, AgentException.from(e));
            return;
          }
          try {
            ByteBuffer buffer = ByteBuffer.wrap(chunk.data());
            while (buffer.hasRemaining()) {
              out.write(buffer);
            }
          } catch (IOException io) {
            fail(handle, AgentException.of(AgentException.Code.UNAVAILABLE,
                "writing " + partial + ": " + io.getMessage(), io));
            return;
          }
          sha256.update(chunk.data());
          received += chunk.data().length;
          chunks++;
          options.progress().onProgress(received, -1);
          if (chunk.eof()) {
            finish(handle);
          } else {
            readNext(handle);
          }
        });
  }

  private static Chunk chunk(JsonNode v) {
    String b64 = Parsers.required(v, "buf-b64", "guest-file-read").asText();
    return new Chunk(Base64.getDecoder().decode(b64), v.path("eof").asBoolean(false));
  }

  private void finish(long handle) {
    String digest = GuestFiles.hex(sha256.digest());
    GuestFiles.closeAndVerify(calls, handle, "pull", guestPath, digest, options)
        .whenComplete((guest, e) -> {
          if (e != null) {
            result.completeExceptionally(AgentException.from(e));
          } else if (!result.isDone()) {
            try {
              out.close();
              Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING,
                  StandardCopyOption.ATOMIC_MOVE);
              result.complete(new QgaTransfer(received, digest, guest, chunks));
            } catch (IOException io) {
              result.completeExceptionally(AgentException.of(AgentException.Code.UNAVAILABLE,
                  "cannot move " + partial + " to " + local + ": " + io.getMessage(), io));
            }
          }
        });
  }

  private void fail(long handle, AgentException failure) {
    GuestFiles.close(calls, handle).whenComplete((v, e) -> result.completeExceptionally(failure));
  }

  private void discard() {
    try {
      out.close();
      Files.deleteIfExists(partial);
    } catch (IOException ignored) {
      // a partial file left behind is named .part and never mistaken for the real one
    }
  }
}
