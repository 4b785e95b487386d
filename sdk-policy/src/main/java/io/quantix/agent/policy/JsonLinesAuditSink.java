package io.quantix.agent.policy;

import io.quantix.agent.client.AuditListener;
import io.quantix.agent.client.AuditRecord;
import io.quantix.agent.policy.internal.AuditJson;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each {@link AuditRecord} as one line of JSON to a file, synchronously (the record is in
 * the file, and forced to disk as the {@link FsyncPolicy} says, before the listener returns),
 * rotating by size ({@code audit.jsonl} → {@code audit.jsonl.1} → ... up to {@code maxFiles}
 * rotated files). A record that cannot be written is never dropped silently: it is counted
 * ({@link #failed()}), logged (without its arguments), and the sink reports itself unhealthy
 * ({@link #healthy()}) until a later write succeeds, which a fail-closed policy turns into denied
 * calls. After a failure the next record reopens the file.
 *
 * <pre>{@code
 * Path file = Path.of("/var/log/quantix/audit.jsonl");
 * try (JsonLinesAuditSink audit = JsonLinesAuditSink.builder(file)
 *     .maxFileBytes(64L << 20).maxFiles(10).fsync(FsyncPolicy.EVERY_RECORD).build()) {
 *   AgentRegistry agents = AgentRegistry.builder().auditListener(audit).build();
 * }
 * }</pre>
 */
public final class JsonLinesAuditSink implements AuditListener, AuditHealth, Closeable {
  /** Default size at which the file is rotated: 64 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
  /** Default number of rotated files kept: 10. */
  public static final int DEFAULT_MAX_FILES = 10;
  /** Default fsync: after every record. */
  public static final FsyncPolicy DEFAULT_FSYNC = FsyncPolicy.EVERY_RECORD;
  private static final Logger log = LoggerFactory.getLogger(JsonLinesAuditSink.class);

  /** Opens the file for appending; replaceable in this package's tests to inject faults. */
  interface Opener {
    FileChannel open(Path file) throws IOException;
  }

  private final Path file;
  private final long maxFileBytes;
  private final int maxFiles;
  private final FsyncPolicy fsync;
  private final Opener opener;
  // Guarded by this.
  private FileChannel channel;
  private long size;
  private long lastForceNanos = System.nanoTime();
  private boolean closed;
  private long written;
  private long failed;
  private long failureStreak;
  private volatile boolean healthy = true;
  private volatile String lastFailure = "";

  private JsonLinesAuditSink(Builder b) throws IOException {
    this.file = b.file;
    this.maxFileBytes = b.maxFileBytes;
    this.maxFiles = b.maxFiles;
    this.fsync = b.fsync;
    this.opener = b.opener;
    open();
  }

  /** A builder for a sink writing to {@code file}. */
  public static Builder builder(Path file) {
    return new Builder(file);
  }

  @Override
  public void onAudit(AuditRecord record) {
    byte[] line = AuditJson.line(record);
    synchronized (this) {
      try {
        if (closed) {
          throw new IOException("audit sink closed");
        }
        write(line);
        written++;
        failureStreak = 0;
        healthy = true;
      } catch (IOException | RuntimeException e) {
        failed++;
        failureStreak++;
        lastFailure = e.toString();
        healthy = false;
        closeChannelQuietly();
        if (failureStreak == 1 || failureStreak % 100 == 0) {
          log.warn("audit record of {} on {} not written ({} failed so far): {}",
              record.operation().policyName(), record.vmId(), failed, e.toString());
        }
      }
    }
  }

  private void write(byte[] line) throws IOException {
    if (channel == null) {
      open();
    }
    if (size > 0 && size + line.length > maxFileBytes) {
      rotate();
    }
    ByteBuffer buf = ByteBuffer.wrap(line);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    size += line.length;
    long now = System.nanoTime();
    if (fsync.due(now, lastForceNanos)) {
      channel.force(false);
      lastForceNanos = now;
    }
  }

  private void open() throws IOException {
    channel = opener.open(file);
    size = channel.size();
  }

  private void rotate() throws IOException {
    channel.force(false);
    channel.close();
    channel = null;
    Path oldest = rotated(maxFiles);
    Files.deleteIfExists(oldest);
    for (int i = maxFiles - 1; i >= 1; i--) {
      Path from = rotated(i);
      if (Files.exists(from)) {
        Files.move(from, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (maxFiles >= 1) {
      Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(file);
    }
    open();
  }

  private Path rotated(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  private void closeChannelQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Already failing; the failure was counted.
      }
      channel = null;
    }
  }

  @Override
  public boolean healthy() {
    return healthy;
  }

  @Override
  public String lastFailure() {
    return lastFailure;
  }

  /** Records written. */
  public synchronized long written() {
    return written;
  }

  /** Records that could not be written. */
  public synchronized long failed() {
    return failed;
  }

  /** The file written to. */
  public Path file() {
    return file;
  }

  /** Forces and closes the file; later records fail (counted). Idempotent. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (channel != null) {
      try {
        channel.force(false);
      } finally {
        channel.close();
        channel = null;
      }
    }
  }

  @Override
  public String toString() {
    return "JsonLinesAuditSink{" + file + ", fsync " + fsync + ", written=" + written()
        + ", failed=" + failed() + '}';
  }

  /** Builds a {@link JsonLinesAuditSink}. */
  public static final class Builder {
    private final Path file;
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    private int maxFiles = DEFAULT_MAX_FILES;
    private FsyncPolicy fsync = DEFAULT_FSYNC;
    private Opener opener = f -> FileChannel.open(f, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND);

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    /** Rotates when the next record would take the file past {@code bytes}. */
    public Builder maxFileBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("max file bytes must be at least 1024, was " + bytes);
      }
      this.maxFileBytes = bytes;
      return this;
    }

    /** How many rotated files to keep (0: none, the full file is deleted). */
    public Builder maxFiles(int files) {
      if (files < 0) {
        throw new IllegalArgumentException("max files must be >= 0, was " + files);
      }
      this.maxFiles = files;
      return this;
    }

    /** When records are forced to disk. */
    public Builder fsync(FsyncPolicy policy) {
      this.fsync = Objects.requireNonNull(policy, "policy");
      return this;
    }

    Builder opener(Opener opener) {
      this.opener = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /** Opens (creates) the file; fails if it cannot be. */
    public JsonLinesAuditSink build() throws IOException {
      return new JsonLinesAuditSink(this);
    }
  }
}
