package io.quantix.agent.testkit.internal;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.quantix.agent.framing.Framing;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.CreateDirectoryRequest;
import io.quantix.agent.proto.CreateDirectoryResponse;
import io.quantix.agent.proto.DirectoryEntry;
import io.quantix.agent.proto.FileDeleteRequest;
import io.quantix.agent.proto.FileDeleteResponse;
import io.quantix.agent.proto.FileReadRequest;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileStatResponse;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.FileWriteResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * File read, write, stat, mkdir and delete inside the sandbox, with the agent's semantics (wire
 * document §3.4): one request per chunk; chunk 0 at offset 0 truncates; a write is fsynced when
 * configured (the agent fsyncs every chunk); a read is one read() call, capped like the agent's
 * build caps it, whose short result sets eof. Runs on the worker executor. Not API.
 */
final class FileHandlers {
  /** The agent's max_chunk_size, used when a read asks for chunk_size 0. */
  static final int DEFAULT_CHUNK = 64 * 1024;

  private final Lazy<Sandbox, IOException> sandbox;
  /** Bytes one read() returns at most; 0 for no limit. */
  private final int maxSingleRead;
  private final boolean fsync;
  private final Counters counters;

  FileHandlers(Lazy<Sandbox, IOException> sandbox, int maxSingleRead, boolean fsync, Counters counters) {
    this.sandbox = sandbox;
    this.maxSingleRead = maxSingleRead;
    this.fsync = fsync;
    this.counters = counters;
  }

  AgentMessage write(AgentMessage request) {
    FileWriteRequest r = request.getFileWrite();
    FileWriteResponse.Builder response = FileWriteResponse.newBuilder().setChunkNumber(r.getChunkNumber());
    try {
      Path path = sandbox.get().resolve(r.getPath());
      if (r.getCreateParents() && path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      boolean seek = false;
      if (r.getAppend()) {
        options.add(StandardOpenOption.APPEND);
      } else if (r.getOffset() > 0 || r.getChunkNumber() > 0) {
        seek = true;
      } else {
        options.add(StandardOpenOption.TRUNCATE_EXISTING);
      }
      try (FileChannel file = FileChannel.open(path, options)) {
        if (seek) {
          file.position(r.getOffset());
        }
        ByteBuffer data = r.getData().asReadOnlyByteBuffer();
        while (data.hasRemaining()) {
          file.write(data);
        }
        if (fsync) {
          file.force(true);
          counters.fsyncs.incrementAndGet();
        }
      }
      if (r.getMode() > 0) {
        chmod(path, r.getMode());
      }
      response.setSuccess(true).setBytesWritten(r.getData().size());
    } catch (GuestError e) {
      response.setError(e.getMessage());
    } catch (IOException e) {
      response.setError("Failed to write file: " + Sandbox.describe(e));
    }
    return Messages.replyTo(request).setFileWriteResponse(response).build();
  }

  AgentMessage read(AgentMessage request) {
    FileReadRequest r = request.getFileRead();
    FileReadResponse.Builder response = FileReadResponse.newBuilder().setOffset(r.getOffset());
    try {
      Path path = sandbox.get().resolve(r.getPath());
      Map<String, Object> attrs = Files.readAttributes(path, "unix:*");
      if (Boolean.TRUE.equals(attrs.get("isDirectory"))) {
        throw new GuestError("Failed to read file: Is a directory (os error 21)");
      }
      long size = (Long) attrs.get("size");
      long chunk = r.getChunkSize() == 0 ? DEFAULT_CHUNK : Integer.toUnsignedLong(r.getChunkSize());
      long wanted = r.getLength() > 0 ? Math.min(r.getLength(), chunk) : chunk;
      long singleRead = maxSingleRead == 0 ? Long.MAX_VALUE : maxSingleRead;
      long remaining = Math.max(0, size - r.getOffset());
      int capacity = (int) Math.min(Math.min(wanted, singleRead),
          Math.min(remaining, Framing.MAX_PAYLOAD_LENGTH));
      ByteString data = capacity == 0 ? ByteString.EMPTY : readAt(path, r.getOffset(), capacity);
      int n = data.size();
      response.setSuccess(true)
          .setData(data)
          .setEof(n < wanted || r.getOffset() + n >= size)
          .setTotalSize(size)
          .setMode((Integer) attrs.get("mode"))
          .setModifiedAt(Messages.timestamp(((FileTime) attrs.get("lastModifiedTime")).toInstant()));
    } catch (GuestError e) {
      response.setError(e.getMessage());
    } catch (IOException e) {
      response.setError("Failed to open file: " + Sandbox.describe(e));
    }
    return Messages.replyTo(request).setFileReadResponse(response).build();
  }

  /**
   * One read() of at most {@code capacity} bytes at {@code offset}. The file is read into a pooled
   * direct buffer, then copied once into the array the reply owns: reading into a heap buffer
   * instead costs a zeroed array, the JDK's copy through its own temporary direct buffer, and the
   * copy into the reply, per chunk.
   */
  private static ByteString readAt(Path path, long offset, int capacity) throws IOException {
    ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(capacity);
    try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer target = buffer.nioBuffer(0, capacity);
      file.read(target, offset);
      return ByteString.copyFrom(target.flip());
    } finally {
      buffer.release();
    }
  }

  AgentMessage stat(AgentMessage request) {
    String guestPath = request.getFileStat().getPath();
    FileStatResponse.Builder response = FileStatResponse.newBuilder();
    try {
      Path path = sandbox.get().resolve(guestPath);
      // Build the entry first: a missing path must not leave success=true behind.
      DirectoryEntry entry = entry(path, guestPath);
      response.setSuccess(true).setEntry(entry);
    } catch (GuestError e) {
      response.setError(e.getMessage());
    } catch (IOException e) {
      response.setError("Failed to stat: " + Sandbox.describe(e));
    }
    return Messages.replyTo(request).setFileStatResponse(response).build();
  }

  AgentMessage createDirectory(AgentMessage request) {
    CreateDirectoryRequest r = request.getCreateDirectory();
    CreateDirectoryResponse.Builder response = CreateDirectoryResponse.newBuilder();
    try {
      Path path = sandbox.get().resolve(r.getPath());
      if (r.getCreateParents()) {
        Files.createDirectories(path);
      } else {
        Files.createDirectory(path);
      }
      if (r.getMode() > 0) {
        chmod(path, r.getMode());
      }
      response.setSuccess(true);
    } catch (GuestError e) {
      response.setError(e.getMessage());
    } catch (IOException e) {
      response.setError("Failed to create directory: " + Sandbox.describe(e));
    }
    return Messages.replyTo(request).setCreateDirectoryResponse(response).build();
  }

  AgentMessage delete(AgentMessage request) {
    FileDeleteRequest r = request.getFileDelete();
    FileDeleteResponse.Builder response = FileDeleteResponse.newBuilder();
    try {
      Path path = sandbox.get().resolve(r.getPath());
      if (path.equals(sandbox.get().root())) {
        throw new GuestError("Refusing to delete /");
      }
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && r.getRecursive()) {
        Sandbox.deleteTree(path);
      } else {
        Files.delete(path);
      }
      response.setSuccess(true);
    } catch (GuestError e) {
      response.setError(e.getMessage());
    } catch (IOException e) {
      response.setError("Failed to delete: " + Sandbox.describe(e));
    }
    return Messages.replyTo(request).setFileDeleteResponse(response).build();
  }

  /** A directory entry as the agent builds it: lstat data, st_mode with type bits, names of owners. */
  static DirectoryEntry entry(Path path, String guestPath) throws IOException {
    Map<String, Object> attrs = Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
    boolean symlink = Boolean.TRUE.equals(attrs.get("isSymbolicLink"));
    Path name = path.getFileName();
    DirectoryEntry.Builder entry = DirectoryEntry.newBuilder()
        .setName(guestPath.equals("/") || name == null ? "/" : name.toString())
        .setPath(guestPath)
        .setIsDirectory(Boolean.TRUE.equals(attrs.get("isDirectory")))
        .setIsSymlink(symlink)
        .setSizeBytes((Long) attrs.get("size"))
        .setMode((Integer) attrs.get("mode"))
        .setModifiedAt(Messages.timestamp(((FileTime) attrs.get("lastModifiedTime")).toInstant()))
        .setCreatedAt(Messages.timestamp(((FileTime) attrs.get("creationTime")).toInstant()))
        .setOwner(String.valueOf(attrs.get("owner")))
        .setGroup(String.valueOf(attrs.get("group")));
    if (symlink) {
      entry.setSymlinkTarget(Files.readSymbolicLink(path).toString());
    }
    return entry.build();
  }

  /** Applies permission bits (the low 12 bits of {@code mode}). */
  static void chmod(Path path, int mode) throws IOException {
    try {
      Files.setAttribute(path, "unix:mode", mode & 07777);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
      PosixFilePermission[] order = PosixFilePermission.values();
      for (int bit = 0; bit < 9; bit++) {
        if ((mode & (1 << (8 - bit))) != 0) {
          permissions.add(order[bit]);
        }
      }
      Files.setPosixFilePermissions(path, permissions);
    }
  }
}
