package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;
import java.util.Objects;

/**
 * How to read a file from the guest: chunk size (at most 1 MiB, since agents silently truncate
 * larger reads), how many ranged reads may be in flight, a size limit, progress. The window is
 * {@code chunkSize * pipelineDepth} bytes: when the agent returns less per read than asked (16 KiB
 * on some builds), requests are sized to what it returns and more of them are kept in flight to
 * fill the same bytes.
 *
 * <pre>{@code
 * DownloadOptions opts = DownloadOptions.DEFAULT.withMaxBytes(512L << 20).withProgress(bar);
 * }</pre>
 */
public final class DownloadOptions {
  /** Default and largest chunk: 1 MiB. */
  public static final int MAX_CHUNK_SIZE = 1024 * 1024;
  /** Default ranged reads in flight. */
  public static final int DEFAULT_PIPELINE_DEPTH = 4;
  /** Default size limit: 4 GiB. */
  public static final long DEFAULT_MAX_BYTES = 4L << 30;
  /** Defaults: 1 MiB chunks, 4 in flight, 4 GiB limit. */
  public static final DownloadOptions DEFAULT = new DownloadOptions(MAX_CHUNK_SIZE,
      DEFAULT_PIPELINE_DEPTH, DEFAULT_MAX_BYTES, TransferProgress.NONE);

  private final int chunkSize;
  private final int pipelineDepth;
  private final long maxBytes;
  private final TransferProgress progress;

  private DownloadOptions(int chunkSize, int pipelineDepth, long maxBytes,
      TransferProgress progress) {
    this.chunkSize = chunkSize;
    this.pipelineDepth = pipelineDepth;
    this.maxBytes = maxBytes;
    this.progress = progress;
  }

  /** Bytes per request, 1 byte..1 MiB. */
  public DownloadOptions withChunkSize(int chunkSize) {
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw Checks.invalid("chunk size must be 1.." + MAX_CHUNK_SIZE + ", was " + chunkSize);
    }
    return new DownloadOptions(chunkSize, pipelineDepth, maxBytes, progress);
  }

  /** Ranged reads of a whole chunk in flight, 1..64 (more, smaller ones when reads are short). */
  public DownloadOptions withPipelineDepth(int depth) {
    if (depth < 1 || depth > 64) {
      throw Checks.invalid("pipeline depth must be 1..64, was " + depth);
    }
    return new DownloadOptions(chunkSize, depth, maxBytes, progress);
  }

  /** Fails with RESOURCE_EXHAUSTED, before reading, when the file is larger. */
  public DownloadOptions withMaxBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw Checks.invalid("max bytes must be >= 0, was " + maxBytes);
    }
    return new DownloadOptions(chunkSize, pipelineDepth, maxBytes, progress);
  }

  /** Progress callback. */
  public DownloadOptions withProgress(TransferProgress progress) {
    return new DownloadOptions(chunkSize, pipelineDepth, maxBytes,
        Objects.requireNonNull(progress, "progress"));
  }

  /** Bytes per request. */
  public int chunkSize() {
    return chunkSize;
  }

  /** Ranged reads in flight. */
  public int pipelineDepth() {
    return pipelineDepth;
  }

  /** Size limit. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Progress callback. */
  public TransferProgress progress() {
    return progress;
  }
}
