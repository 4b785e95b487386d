package io.quantix.agent.client;

import java.time.Duration;

/**
 * The outcome of an upload or download.
 *
 * <pre>{@code
 * TransferResult r = client.upload(Path.of("app.tar"), "/opt/app.tar", UploadOptions.DEFAULT).join();
 * System.out.printf("%d bytes in %d chunks, %.1f MiB/s%n", r.bytes(), r.chunks(), r.mibPerSecond());
 * }</pre>
 *
 * @param bytes bytes transferred
 * @param chunks requests used
 * @param duration wall time
 */
public record TransferResult(long bytes, int chunks, Duration duration) {

  /** Throughput in MiB/s. */
  public double mibPerSecond() {
    double seconds = Math.max(duration.toNanos(), 1) / 1e9;
    return bytes / 1048576.0 / seconds;
  }
}
