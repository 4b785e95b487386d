package io.quantix.agent.client;

/**
 * Told how far a transfer has come, after every chunk. Called on the SDK's callback executor,
 * never on an I/O thread; keep it quick.
 *
 * <pre>{@code
 * TransferProgress bar = (done, total) -> System.err.printf("\r%d/%d", done, total);
 * }</pre>
 */
@FunctionalInterface
public interface TransferProgress {
  /** No-op. */
  TransferProgress NONE = (done, total) -> { };

  /**
   * @param bytesDone bytes transferred so far
   * @param bytesTotal the size, or -1 while unknown
   */
  void onProgress(long bytesDone, long bytesTotal);
}
