package io.quantix.agent.qga;

import java.util.Optional;

/**
 * A finished file push or pull.
 *
 * <pre>{@code
 * QgaTransfer t = qga.push(Path.of("app.tar"), "/tmp/app.tar", QgaTransferOptions.DEFAULT).join();
 * System.out.println(t.bytes() + " bytes, sha256 " + t.sha256() + ", checked in guest: " + t.guestVerified());
 * }</pre>
 *
 * @param bytes bytes moved
 * @param sha256 lowercase hex sha256 of the bytes moved
 * @param guestSha256 the guest's own sha256 of the file ({@code sha256sum} run through guest-exec),
 *     or null if not asked or the guest cannot compute it
 * @param chunks chunks moved
 */
public record QgaTransfer(long bytes, String sha256, String guestSha256, int chunks) {
  /** Whether the guest computed the same sha256; empty if it was not checked there. */
  public Optional<Boolean> guestVerified() {
    return guestSha256 == null ? Optional.empty() : Optional.of(guestSha256.equals(sha256));
  }
}
