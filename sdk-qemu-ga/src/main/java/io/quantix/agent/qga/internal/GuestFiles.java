package io.quantix.agent.qga.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import io.quantix.agent.qga.QgaExec;
import io.quantix.agent.qga.QgaExecResult;
import io.quantix.agent.qga.QgaTransferOptions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The guest-file-* steps shared by push and pull: open, close in every outcome, sha256 check. */
final class GuestFiles {
  private static final Logger log = LoggerFactory.getLogger(GuestFiles.class);
  /** A close gets its own deadline: the transfer's may be what failed. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private GuestFiles() {}

  static void checkGuestPath(String path) {
    if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
      throw AgentException.invalidArgument("guest path must be absolute without NUL: " + path);
    }
  }

  static CompletableFuture<Long> open(Calls calls, String path, String mode,
      QgaTransferOptions o) {
    return calls.call("guest-file-open", Json.object().put("path", path).put("mode", mode),
        o.chunkTimeout(), JsonNode::asLong);
  }

  /** Closes the handle, whatever happened; a failed close is logged (the handle may leak). */
  static CompletableFuture<Void> close(Calls calls, long handle) {
    return calls.call("guest-file-close", Json.object().put("handle", handle), CLOSE_TIMEOUT,
        v -> (Void) null).exceptionally(e -> {
          log.warn("{}: guest-file-close of handle {} failed: {}", calls.session().label(),
              handle, AgentException.from(e).getMessage());
          return null;
        });
  }

  /**
   * The guest's sha256 of {@code path} ({@code sha256sum} through guest-exec); null when the
   * guest cannot compute it (no exec, no sha256sum).
   */
  static CompletableFuture<String> guestSha256(Calls calls, String path, QgaTransferOptions o) {
    QgaExec exec = QgaExec.of("sha256sum", "--", path);
    return ExecRun.start(calls, exec, Deadline.after(o.chunkTimeout()))
        .handle((QgaExecResult r, Throwable e) -> {
          if (e != null || r == null || !r.succeeded()) {
            return null;
          }
          String out = r.stdoutText().trim();
          int space = out.indexOf(' ');
          String hex = space < 0 ? out : out.substring(0, space);
          return hex.length() == 64 ? hex.toLowerCase(java.util.Locale.ROOT) : null;
        });
  }

  /**
   * Closes the handle, then (when asked) has the guest compute the file's sha256: the guest's hex,
   * null when not checked or the guest cannot compute it; a mismatch fails.
   */
  static CompletableFuture<String> closeAndVerify(Calls calls, long handle, String op,
      String path, String localSha256, QgaTransferOptions o) {
    return close(calls, handle).thenCompose(v -> o.verifyInGuest() ? guestSha256(calls, path, o)
        : CompletableFuture.completedFuture((String) null)).thenApply(guest -> {
          if (guest != null && !guest.equals(localSha256)) {
            throw mismatch(op, path, localSha256, guest);
          }
          return guest;
        });
  }

  static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  static AgentException mismatch(String op, String path, String local, String guest) {
    return AgentException.remote(op, "sha256 mismatch for " + path + ": sent " + local
        + ", the guest has " + guest);
  }
}
