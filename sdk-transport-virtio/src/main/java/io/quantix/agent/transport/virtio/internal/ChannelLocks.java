package io.quantix.agent.transport.virtio.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Advisory lock files, one per single-client channel, so that two processes on a host never both
 * open a QEMU chardev socket (the second would sit in QEMU's listen backlog and hang). The lock is
 * a {@link FileChannel#tryLock() POSIX record lock} on {@code <directory>/<name>.lock}; the file
 * holds the holder's pid while it is locked, for the busy message.
 *
 * <p>POSIX record locks belong to the process, and closing <em>any</em> descriptor of the file drops
 * them all, so this class keeps at most one open descriptor per lock file in a JVM: a second
 * attempt from the same JVM is refused from an in-memory table without touching the file.
 *
 * <pre>{@code
 * try {
 *   ChannelLocks.Held held = ChannelLocks.acquire(lockDirectory, socketPath);
 *   channel.closeFuture().addListener(f -> held.release());
 * } catch (ChannelLocks.BusyException busy) {
 *   log.warn("channel busy, held by pid {}", busy.holderPid());
 * }
 * }</pre>
 */
public final class ChannelLocks {
  private static final ConcurrentMap<Path, Long> HELD_HERE = new ConcurrentHashMap<>();
  private static final int MAX_NAME = 80;

  private ChannelLocks() {}

  /** The lock file for {@code socket} in {@code directory}. */
  public static Path lockFile(Path directory, Path socket) {
    return directory.resolve(fileName(socket));
  }

  /**
   * A file name derived from the socket path: the path with unsafe characters replaced (its last
   * 80 characters, for people) and a hash of the full path (for uniqueness).
   */
  static String fileName(Path socket) {
    String path = socket.toAbsolutePath().normalize().toString();
    String readable = path.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^_+", "");
    if (readable.length() > MAX_NAME) {
      readable = readable.substring(readable.length() - MAX_NAME);
    }
    return readable + "-" + hash(path) + ".lock";
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        hex.append(String.format("%02x", digest[i]));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Takes the lock for {@code socket} without waiting.
   *
   * @throws BusyException when another process, or another connection of this JVM, holds it
   * @throws IOException when the directory or the file cannot be used
   */
  public static Held acquire(Path directory, Path socket) throws BusyException, IOException {
    Path file = lockFile(directory, socket);
    long self = ProcessHandle.current().pid();
    if (HELD_HERE.putIfAbsent(file, self) != null) {
      throw new BusyException(file, self, true);
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(directory);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new BusyException(file, readPid(channel), false);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((self + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      Held held = new Held(file, channel, lock);
      channel = null;
      return held;
    } finally {
      if (channel != null) {
        HELD_HERE.remove(file);
        channel.close();
      }
    }
  }

  private static long readPid(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? -1 : Long.parseLong(text);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * A held lock; {@link #release()} it when the channel closes.
   *
   * <pre>{@code
   * channel.closeFuture().addListener(f -> held.release());
   * }</pre>
   */
  public static final class Held {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean released = new AtomicBoolean();

    private Held(Path file, FileChannel channel, FileLock lock) {
      this.file = file;
      this.channel = channel;
      this.lock = lock;
    }

    /** The lock file. */
    public Path file() {
      return file;
    }

    /** Empties the file, releases the lock and closes the descriptor; idempotent. */
    public void release() {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      try {
        channel.truncate(0);
      } catch (IOException ignored) {
        // The pid left behind is only advisory text; the lock itself is what counts.
      }
      try {
        lock.release();
        channel.close();
      } catch (IOException ignored) {
        // Closing the descriptor drops the lock whatever release() reported.
      } finally {
        HELD_HERE.remove(file);
      }
    }
  }

  /**
   * The lock is held by someone else.
   *
   * <pre>{@code
   * catch (ChannelLocks.BusyException busy) { busy.holderPid(); }
   * }</pre>
   */
  public static final class BusyException extends Exception {
    private static final long serialVersionUID = 1L;
    private final long holderPid;
    private final boolean sameProcess;

    BusyException(Path file, long holderPid, boolean sameProcess) {
      super("lock file " + file + " is held by "
          + (sameProcess ? "another connection of this process (pid " + holderPid + ")"
              : holderPid > 0 ? "process " + holderPid : "another process (pid unknown)"));
      this.holderPid = holderPid;
      this.sameProcess = sameProcess;
    }

    /** The holder's pid, or -1 when the lock file did not name one. */
    public long holderPid() {
      return holderPid;
    }

    /** Whether the holder is another connection of this JVM. */
    public boolean sameProcess() {
      return sameProcess;
    }
  }
}
