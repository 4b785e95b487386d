package io.quantix.agent.transport;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Optional checks a transport applies when it connects. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * TransportOptions options = TransportOptions.builder()
 *     .lockDirectory(Path.of("/run/quantix-agent-sdk/locks"))   // one process per channel
 *     .expectedPeerUid(0)                                        // QEMU runs as root here
 *     .build();
 * }</pre>
 */
public final class TransportOptions {
  /** No lock files, no peer check. */
  public static final TransportOptions DEFAULT = builder().build();

  private final Path lockDirectory;
  private final Integer expectedPeerUid;

  private TransportOptions(Builder b) {
    this.lockDirectory = b.lockDirectory;
    this.expectedPeerUid = b.expectedPeerUid;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Directory of advisory lock files, one per channel, so two processes on one host never both
   * open the same single-client channel; empty when locking is off.
   */
  public Optional<Path> lockDirectory() {
    return Optional.ofNullable(lockDirectory);
  }

  /** The uid the peer of a Unix socket must have ({@code SO_PEERCRED}); empty when unchecked. */
  public OptionalInt expectedPeerUid() {
    return expectedPeerUid == null ? OptionalInt.empty() : OptionalInt.of(expectedPeerUid);
  }

  @Override
  public String toString() {
    return "TransportOptions{lockDirectory=" + lockDirectory + ", expectedPeerUid=" + expectedPeerUid + '}';
  }

  /** Builder of {@link TransportOptions}. */
  public static final class Builder {
    private Path lockDirectory;
    private Integer expectedPeerUid;

    private Builder() {}

    /** Enables advisory lock files in {@code directory} (absolute). */
    public Builder lockDirectory(Path directory) {
      Objects.requireNonNull(directory, "directory");
      if (!directory.isAbsolute()) {
        throw new IllegalArgumentException("lock directory must be absolute: " + directory);
      }
      this.lockDirectory = directory;
      return this;
    }

    /** Requires the socket's peer to run as {@code uid}. */
    public Builder expectedPeerUid(int uid) {
      if (uid < 0) {
        throw new IllegalArgumentException("uid must be >= 0: " + uid);
      }
      this.expectedPeerUid = uid;
      return this;
    }

    /** The options. */
    public TransportOptions build() {
      return new TransportOptions(this);
    }
  }
}
