package io.quantix.agent.client;

import java.time.Instant;

/**
 * One file, directory or link in the guest, as the agent's stat or directory listing describes it.
 *
 * <pre>{@code
 * FileEntry e = client.files().stat("/etc/hostname").join();
 * System.out.printf("%s %o %d bytes%n", e.type(), e.permissions(), e.size());
 * }</pre>
 *
 * @param name the last path component
 * @param path the full guest path
 * @param type what kind of entry it is
 * @param size size in bytes (0 for directories)
 * @param mode the full {@code st_mode} the agent reports, type bits included
 * @param modifiedAt last modification, or null when the guest could not tell
 * @param createdAt creation (birth) time, or null when the guest filesystem does not record it
 * @param owner owning user name (or numeric uid when unresolvable; empty on Windows)
 * @param group owning group name (or numeric gid; empty on Windows)
 * @param symlinkTarget where a symbolic link points; empty for anything else
 */
public record FileEntry(String name, String path, Type type, long size, int mode,
    Instant modifiedAt, Instant createdAt, String owner, String group, String symlinkTarget) {

  /** The kind of a guest filesystem entry. */
  public enum Type {
    /** A regular file. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link (listings report links themselves; stat follows them). */
    SYMLINK,
    /** A device, FIFO or socket. */
    OTHER
  }

  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;

  /** The permission bits ({@code mode & 07777}), e.g. {@code 0644}. */
  public int permissions() {
    return mode & 07777;
  }

  /** Whether this is a directory. */
  public boolean isDirectory() {
    return type == Type.DIRECTORY;
  }

  /** The entry type from the agent's flags and the {@code st_mode} type bits. */
  public static Type typeOf(boolean isDirectory, boolean isSymlink, int mode) {
    if (isSymlink) {
      return Type.SYMLINK;
    }
    if (isDirectory) {
      return Type.DIRECTORY;
    }
    int kind = mode & S_IFMT;
    return kind == 0 || kind == S_IFREG ? Type.FILE : Type.OTHER;
  }
}
