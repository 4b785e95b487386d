package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;
import java.util.Objects;

/**
 * How to write a file into the guest: permissions, parent creation, chunk size, window, progress.
 *
 * <p>Chunk 0 (the one that truncates the file) is acknowledged first; then up to {@link #window()}
 * chunks are in flight at their own offsets and may be acknowledged in any order, so at most
 * {@code window * chunkSize} bytes of the source are held at once. {@link #sequential()} sends each
 * chunk only after the previous one was acknowledged, for agents that need it.
 *
 * <pre>{@code
 * UploadOptions opts = UploadOptions.DEFAULT.withMode(0755).withCreateParents(true);
 * UploadOptions careful = UploadOptions.DEFAULT.sequential();
 * UploadOptions wide = UploadOptions.DEFAULT.withChunkSize(4 << 20).withWindow(8);
 * }</pre>
 */
public final class UploadOptions {
  /** Default chunk: 1 MiB (measured: see benchmarks/results, issue 15). */
  public static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;
  /** Largest chunk: 16 MiB less 64 KiB for the request's other fields, inside the frame limit. */
  public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024 - 64 * 1024;
  /** Default chunks in flight after chunk 0 (measured: see benchmarks/results, issue 15). */
  public static final int DEFAULT_WINDOW = 16;
  /** Most chunks in flight. */
  public static final int MAX_WINDOW = 64;
  /** Most source bytes held at once ({@code window * chunkSize}). */
  public static final long MAX_BUFFERED_BYTES = 256L * 1024 * 1024;
  /** Defaults: agent's default mode, no parent creation, 1 MiB chunks, 16 in flight. */
  public static final UploadOptions DEFAULT = new UploadOptions(0, false, DEFAULT_CHUNK_SIZE,
      DEFAULT_WINDOW, TransferProgress.NONE);

  private final int mode;
  private final boolean createParents;
  private final int chunkSize;
  private final int window;
  private final TransferProgress progress;

  private UploadOptions(int mode, boolean createParents, int chunkSize, int window,
      TransferProgress progress) {
    this.mode = mode;
    this.createParents = createParents;
    this.chunkSize = chunkSize;
    this.window = window;
    this.progress = progress;
  }

  /** Unix permission bits (e.g. {@code 0644}) applied to the file; 0 leaves the agent's default. */
  public UploadOptions withMode(int mode) {
    if (mode < 0 || mode > 07777) {
      throw Checks.invalid("mode must be within 0..07777, was " + Integer.toOctalString(mode));
    }
    return new UploadOptions(mode, createParents, chunkSize, window, progress);
  }

  /** Creates missing parent directories. */
  public UploadOptions withCreateParents(boolean createParents) {
    return new UploadOptions(mode, createParents, chunkSize, window, progress);
  }

  /**
   * Bytes per request, 1 byte..{@link #MAX_CHUNK_SIZE}. Fails when {@code window * chunkSize}
   * exceeds {@link #MAX_BUFFERED_BYTES}.
   */
  public UploadOptions withChunkSize(int chunkSize) {
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw Checks.invalid("chunk size must be 1.." + MAX_CHUNK_SIZE + ", was " + chunkSize);
    }
    return new UploadOptions(mode, createParents, chunkSize, buffered(window, chunkSize), progress);
  }

  /**
   * Chunks in flight after chunk 0, 1..{@link #MAX_WINDOW}; 1 is {@link #sequential()}. Fails when
   * {@code window * chunkSize} exceeds {@link #MAX_BUFFERED_BYTES}.
   */
  public UploadOptions withWindow(int window) {
    if (window < 1 || window > MAX_WINDOW) {
      throw Checks.invalid("window must be 1.." + MAX_WINDOW + ", was " + window);
    }
    return new UploadOptions(mode, createParents, chunkSize, buffered(window, chunkSize), progress);
  }

  /** Strictly sequential: each chunk leaves only once the previous one was acknowledged. */
  public UploadOptions sequential() {
    return withWindow(1);
  }

  private static int buffered(int window, int chunkSize) {
    if ((long) window * chunkSize > MAX_BUFFERED_BYTES) {
      throw Checks.invalid("window " + window + " x chunk size " + chunkSize + " would hold more"
          + " than " + MAX_BUFFERED_BYTES + " bytes");
    }
    return window;
  }

  /** Progress callback. */
  public UploadOptions withProgress(TransferProgress progress) {
    return new UploadOptions(mode, createParents, chunkSize, window,
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

  /** Chunks in flight after chunk 0; 1 when sequential. */
  public int window() {
    return window;
  }

  /** Whether chunks go strictly one after another. */
  public boolean isSequential() {
    return window == 1;
  }

  /** Progress callback. */
  public TransferProgress progress() {
    return progress;
  }
}
