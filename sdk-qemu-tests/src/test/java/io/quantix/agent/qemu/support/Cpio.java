package io.quantix.agent.qemu.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a gzipped "newc" cpio archive, the format the kernel unpacks as an initramfs. Written
 * here rather than by running {@code cpio}, so that building the guest needs no host tool beyond
 * the files that go into it. Parent directories are added on first use.
 */
final class Cpio implements AutoCloseable {
  private static final int DIRECTORY = 0040000;
  private static final int REGULAR = 0100000;
  private static final int SYMLINK = 0120000;

  private final OutputStream out;
  private final Set<String> directories = new LinkedHashSet<>();
  private long written;
  private int inode = 1;

  Cpio(Path archive) throws IOException {
    this.out = new GZIPOutputStream(Files.newOutputStream(archive), 64 * 1024);
  }

  /** A directory (and its parents), mode 0755. */
  void directory(String path) throws IOException {
    String clean = strip(path);
    if (clean.isEmpty() || directories.contains(clean)) {
      return;
    }
    parents(clean);
    directories.add(clean);
    entry(clean, DIRECTORY | 0755, new byte[0]);
  }

  /** A regular file with the given content and permission bits. */
  void file(String path, byte[] content, int permissions) throws IOException {
    String clean = strip(path);
    parents(clean);
    entry(clean, REGULAR | permissions, content);
  }

  /** A copy of a host file (symbolic links followed), keeping its permission bits. */
  void copy(Path hostFile, String path) throws IOException {
    int permissions = Files.isExecutable(hostFile) ? 0755 : 0644;
    file(path, Files.readAllBytes(hostFile), permissions);
  }

  /** A symbolic link at {@code path} pointing to {@code target}. */
  void symlink(String path, String target) throws IOException {
    String clean = strip(path);
    parents(clean);
    entry(clean, SYMLINK | 0777, target.getBytes(StandardCharsets.UTF_8));
  }

  private void parents(String clean) throws IOException {
    int slash = clean.lastIndexOf('/');
    if (slash > 0) {
      directory(clean.substring(0, slash));
    }
  }

  private static String strip(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private void entry(String name, int mode, byte[] data) throws IOException {
    byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder("070701");
    long[] fields = {inode++, mode, 0, 0, (mode & DIRECTORY) != 0 ? 2 : 1, 0, data.length, 0, 0, 0,
        0, nameBytes.length, 0};
    for (long field : fields) {
      header.append(String.format("%08x", field));
    }
    write(header.toString().getBytes(StandardCharsets.US_ASCII));
    write(nameBytes);
    pad();
    write(data);
    pad();
  }

  private void write(byte[] bytes) throws IOException {
    out.write(bytes);
    written += bytes.length;
  }

  private void pad() throws IOException {
    while (written % 4 != 0) {
      out.write(0);
      written++;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      entry("TRAILER!!!", 0, new byte[0]);
    } finally {
      out.close();
    }
  }
}
