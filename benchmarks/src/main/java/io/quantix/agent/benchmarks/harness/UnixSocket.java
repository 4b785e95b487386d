package io.quantix.agent.benchmarks.harness;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Blocking JDK Unix domain sockets, the floor's only tool. */
final class UnixSocket {
  private UnixSocket() {}

  /** A blocking connection to {@code path}. */
  static SocketChannel connect(Path path) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return ch;
  }

  /** A blocking listener on {@code path} (a stale socket file is replaced). */
  static ServerSocketChannel listen(Path path) throws IOException {
    Files.deleteIfExists(path);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path), 16);
    return server;
  }

  /** Writes all of {@code buf}. */
  static void writeFully(SocketChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /** Reads until {@code buf} is full; EOF first is an error. */
  static void readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        throw new EOFException("peer closed the socket");
      }
    }
  }

  /**
   * The number of whole frames (4-byte magic, 4-byte big-endian length, payload) at the start of
   * {@code buf}'s readable bytes; {@code buf}'s position moves past them.
   */
  static int skipFrames(ByteBuffer buf) {
    int frames = 0;
    while (buf.remaining() >= 8) {
      int length = buf.getInt(buf.position() + 4);
      if (length < 0 || buf.remaining() - 8 < length) {
        break;
      }
      buf.position(buf.position() + 8 + length);
      frames++;
    }
    return frames;
  }
}
