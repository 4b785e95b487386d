package io.quantix.agent.testkit.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The fake guest's filesystem: guest absolute path {@code /a/b} is {@code <root>/a/b}. Paths are
 * checked like the agent checks them (absolute, no {@code ..}), and cannot leave the root. Not API.
 */
final class Sandbox {
  private final Path root;
  private final boolean temporary;

  private Sandbox(Path root, boolean temporary) {
    this.root = root;
    this.temporary = temporary;
  }

  /** The configured directory (made if missing), or a fresh temporary one deleted on close. */
  static Sandbox open(Path configured) throws IOException {
    if (configured == null) {
      return new Sandbox(Files.createTempDirectory("qx-fake-sandbox").toRealPath(), true);
    }
    Files.createDirectories(configured);
    return new Sandbox(configured.toRealPath(), false);
  }

  Path root() {
    return root;
  }

  /** The host path of a guest path, or a GuestError with the agent's kind of message. */
  Path resolve(String guestPath) throws GuestError {
    if (!guestPath.startsWith("/")) {
      throw new GuestError("Path must be absolute: " + guestPath);
    }
    if (guestPath.contains("..")) {
      throw new GuestError("Path traversal not allowed: " + guestPath);
    }
    Path resolved = root.resolve(guestPath.substring(1)).normalize();
    if (!resolved.startsWith(root)) {
      throw new GuestError("Path traversal not allowed: " + guestPath);
    }
    return resolved;
  }

  /** Deletes the directory if the sandbox made it. */
  void close() throws IOException {
    if (temporary && Files.exists(root)) {
      deleteTree(root);
    }
  }

  static void deleteTree(Path top) throws IOException {
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** An I/O failure worded like Rust's {@code std::io::Error} (what the agent sends). */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "No such file or directory (os error 2)";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "File exists (os error 17)";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "Directory not empty (os error 39)";
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied (os error 13)";
    }
    if (e instanceof NotDirectoryException) {
      return "Not a directory (os error 20)";
    }
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      String reason = ((FileSystemException) e).getReason();
      if (reason.contains("Is a directory")) {
        return "Is a directory (os error 21)";
      }
      if (reason.contains("Not a directory")) {
        return "Not a directory (os error 20)";
      }
      return reason;
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
