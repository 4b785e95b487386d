package io.quantix.agent.qga;

import io.quantix.agent.transport.TransportOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link QgaClient} talks to qemu-ga. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * QgaOptions options = QgaOptions.builder()
 *     .callTimeout(Duration.ofSeconds(10))
 *     .maxQueued(64)
 *     .transportOptions(TransportOptions.builder().lockDirectory(Path.of("/run/qga-locks")).build())
 *     .build();
 * }</pre>
 */
public final class QgaOptions {
  /** Deadline of a call that names none: 30 s, covering queueing and the reply. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
  /** Time to connect to the channel socket: 5 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Time for qemu-ga to answer guest-sync-delimited: 5 s, as libvirt. */
  public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(5);
  /** How long {@code close()} waits for replies still on their way (never closes with one unread). */
  public static final Duration DEFAULT_CLOSE_DRAIN = Duration.ofSeconds(10);
  /** Calls waiting behind the one on the wire: 256; more fail RESOURCE_EXHAUSTED at once. */
  public static final int DEFAULT_MAX_QUEUED = 256;
  /**
   * Longest reply line accepted: 64 MiB (a 16 MiB exec capture per stream is 22.4 MB of JSON;
   * libvirt caps at 10 MiB). Longer replies fail the call with RESOURCE_EXHAUSTED.
   */
  public static final int DEFAULT_MAX_REPLY_BYTES = 64 << 20;
  /** File transfer chunk: 1 MiB (measured: see benchmarks/results; trap 6 of the wire notes). */
  public static final int DEFAULT_CHUNK_BYTES = 1 << 20;

  /** The defaults. */
  public static final QgaOptions DEFAULT = builder().build();

  private final Duration callTimeout;
  private final Duration connectTimeout;
  private final Duration syncTimeout;
  private final Duration closeDrain;
  private final int maxQueued;
  private final int maxReplyBytes;
  private final boolean fetchInfoOnConnect;
  private final TransportOptions transportOptions;

  private QgaOptions(Builder b) {
    this.callTimeout = b.callTimeout;
    this.connectTimeout = b.connectTimeout;
    this.syncTimeout = b.syncTimeout;
    this.closeDrain = b.closeDrain;
    this.maxQueued = b.maxQueued;
    this.maxReplyBytes = b.maxReplyBytes;
    this.fetchInfoOnConnect = b.fetchInfoOnConnect;
    this.transportOptions = b.transportOptions;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Deadline of a call that names none. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** Time to connect. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Time for the sync reply. */
  public Duration syncTimeout() {
    return syncTimeout;
  }

  /** How long close waits for replies on their way. */
  public Duration closeDrain() {
    return closeDrain;
  }

  /** Calls that may wait behind the one on the wire. */
  public int maxQueued() {
    return maxQueued;
  }

  /** Longest reply line. */
  public int maxReplyBytes() {
    return maxReplyBytes;
  }

  /** Whether each new session asks guest-info right after syncing (gates disabled commands). */
  public boolean fetchInfoOnConnect() {
    return fetchInfoOnConnect;
  }

  /** Lock directory and peer checks of the transport. */
  public TransportOptions transportOptions() {
    return transportOptions;
  }

  /** Builder of {@link QgaOptions}. */
  public static final class Builder {
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration syncTimeout = DEFAULT_SYNC_TIMEOUT;
    private Duration closeDrain = DEFAULT_CLOSE_DRAIN;
    private int maxQueued = DEFAULT_MAX_QUEUED;
    private int maxReplyBytes = DEFAULT_MAX_REPLY_BYTES;
    private boolean fetchInfoOnConnect = true;
    private TransportOptions transportOptions = TransportOptions.DEFAULT;

    private Builder() {}

    /** Deadline of a call that names none (positive). */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive(timeout, "callTimeout");
      return this;
    }

    /** Time to connect (positive). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Time for qemu-ga's sync reply (positive). */
    public Builder syncTimeout(Duration timeout) {
      this.syncTimeout = positive(timeout, "syncTimeout");
      return this;
    }

    /** How long close waits for replies on their way (zero or more). */
    public Builder closeDrain(Duration drain) {
      Objects.requireNonNull(drain, "closeDrain");
      if (drain.isNegative()) {
        throw new IllegalArgumentException("closeDrain must not be negative: " + drain);
      }
      this.closeDrain = drain;
      return this;
    }

    /** Calls that may wait behind the one on the wire (1 or more). */
    public Builder maxQueued(int calls) {
      if (calls < 1) {
        throw new IllegalArgumentException("maxQueued must be >= 1: " + calls);
      }
      this.maxQueued = calls;
      return this;
    }

    /** Longest reply line accepted (at least 4 KiB). */
    public Builder maxReplyBytes(int bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException("maxReplyBytes must be >= 4096: " + bytes);
      }
      this.maxReplyBytes = bytes;
      return this;
    }

    /** Whether each new session asks guest-info right after syncing. */
    public Builder fetchInfoOnConnect(boolean fetch) {
      this.fetchInfoOnConnect = fetch;
      return this;
    }

    /** Lock directory and peer checks of the transport. */
    public Builder transportOptions(TransportOptions options) {
      this.transportOptions = Objects.requireNonNull(options, "transportOptions");
      return this;
    }

    /** The options. */
    public QgaOptions build() {
      return new QgaOptions(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
