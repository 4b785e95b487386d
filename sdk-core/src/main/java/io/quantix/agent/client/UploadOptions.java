package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;
import java.util.Objects;

/**
 * How to write a file into the guest: permissions, parent creation, chunk size, progress. Chunks
 * go strictly one after another, each acknowledged, as the agent requires (chunk 0 truncates).
 *
 * <pre>{@code
 * UploadOptions opts = UploadOptions.DEFAULT.withMode(0755).withCreateParents(true);
 * }</pre>
 */
public final class UploadOptions {
  /** Default chunk: 1 MiB. */
  public static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;
  /** Largest chunk: 8 MiB, well inside the 16 MiB frame limit. */
  public static final int MAX_CHUNK_SIZE = 8 * 1024 * 1024;
  /** Defaults: keep the agent's default mode, no parent creation, 1 MiB chunks. */
  public static final UploadOptions DEFAULT = new UploadOptions(0, false, DEFAULT_CHUNK_SIZE,
      TransferProgress.NONE);

  private final int mode;
  private final boolean createParents;
  private final int chunkSize;
  private final TransferProgress progress;

  private UploadOptions(int mode, boolean createParents, int chunkSize, TransferProgress progress) {
    this.mode = mode;
    this.createParents = createParents;
    this.chunkSize = chunkSize;
    this.progress = progress;
  }

  /** Unix permission bits (e.g. {@code 0644}) applied to the file; 0 leaves the agent's default. */
  public UploadOptions withMode(int mode) {
    if (mode < 0 || mode > 07777) {
      throw Checks.invalid("mode must be within 0..07777, was " + Integer.toOctalString(mode));
    }
    return new UploadOptions(mode, createParents, chunkSize, progress);
  }

  /** Creates missing parent directories. */
  public UploadOptions withCreateParents(boolean createParents) {
    return new UploadOptions(mode, createParents, chunkSize, progress);
  }

  /** Bytes per request, 1 byte..8 MiB. */
  public UploadOptions withChunkSize(int chunkSize) {
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw Checks.invalid("chunk size must be 1.." + MAX_CHUNK_SIZE + ", was " + chunkSize);
    }
    return new UploadOptions(mode, createParents, chunkSize, progress);
  }

  /** Progress callback. */
  public UploadOptions withProgress(TransferProgress progress) {
    return new UploadOptions(mode, createParents, chunkSize,
        Objects.requireNonNull(progress, "progress"));
  }

  /** Permission bits, 0 for the agent's default. */
  public int mode() {
    return mode;
  }

  /** Whether parents are created. */
  public boolean createParents() {
    return createParents;
  }

  /** Bytes per request. */
  public int chunkSize() {
    return chunkSize;
  }

  /** Progress callback. */
  public TransferProgress progress() {
    return progress;
  }
}
