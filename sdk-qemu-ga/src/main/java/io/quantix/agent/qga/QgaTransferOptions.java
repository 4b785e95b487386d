package io.quantix.agent.qga;

import java.time.Duration;
import java.util.Objects;

/**
 * How a file push or pull runs. Immutable.
 *
 * <pre>{@code
 * QgaTransferOptions o = QgaTransferOptions.DEFAULT
 *     .withChunkBytes(512 * 1024)
 *     .withProgress((done, total) -> System.err.printf("%d/%d%n", done, total));
 * }</pre>
 *
 * @param chunkBytes bytes per guest-file-read/write (1 KiB .. 32 MiB; default 1 MiB)
 * @param verifyInGuest run {@code sha256sum} in the guest after the transfer and compare
 * @param chunkTimeout deadline of each chunk's call (the transfer has no overall deadline)
 * @param progress told after every chunk
 */
public record QgaTransferOptions(int chunkBytes, boolean verifyInGuest, Duration chunkTimeout,
    Progress progress) {
  /** Largest chunk: a 32 MiB write is 43 MiB of base64, under qemu-ga's 64 MiB request limit. */
  public static final int MAX_CHUNK_BYTES = 32 << 20;
  /** Chunk deadline by default: 60 s. */
  public static final Duration DEFAULT_CHUNK_TIMEOUT = Duration.ofSeconds(60);
  /** 1 MiB chunks, verified in the guest, no progress listener. */
  public static final QgaTransferOptions DEFAULT = new QgaTransferOptions(
      QgaOptions.DEFAULT_CHUNK_BYTES, true, DEFAULT_CHUNK_TIMEOUT, (done, total) -> { });

  /** Validates. */
  public QgaTransferOptions {
    if (chunkBytes < 1024 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunkBytes must be 1024.." + MAX_CHUNK_BYTES + ": "
          + chunkBytes);
    }
    Objects.requireNonNull(chunkTimeout, "chunkTimeout");
    if (chunkTimeout.isNegative() || chunkTimeout.isZero()) {
      throw new IllegalArgumentException("chunkTimeout must be positive: " + chunkTimeout);
    }
    Objects.requireNonNull(progress, "progress");
  }

  /** With another chunk size. */
  public QgaTransferOptions withChunkBytes(int bytes) {
    return new QgaTransferOptions(bytes, verifyInGuest, chunkTimeout, progress);
  }

  /** With or without the guest-side sha256 check. */
  public QgaTransferOptions withVerifyInGuest(boolean verify) {
    return new QgaTransferOptions(chunkBytes, verify, chunkTimeout, progress);
  }

  /** With another chunk deadline. */
  public QgaTransferOptions withChunkTimeout(Duration timeout) {
    return new QgaTransferOptions(chunkBytes, verifyInGuest, timeout, progress);
  }

  /** With a progress listener. */
  public QgaTransferOptions withProgress(Progress listener) {
    return new QgaTransferOptions(chunkBytes, verifyInGuest, chunkTimeout, listener);
  }

  /** Told after every chunk, on the callback executor. */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param done bytes moved so far
     * @param total bytes in all, or -1 when unknown (a pull)
     */
    void onProgress(long done, long total);
  }
}
