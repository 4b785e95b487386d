package io.quantix.agent.benchmarks.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The floor's client half: the SDK's exact ping frame over a blocking JDK Unix socket, the reply
 * read frame by frame; and raw stream copies for the transfer rows.
 */
final class FloorClient implements Subject {
  private final SocketChannel echo;
  private final Path sink;
  private final Path source;
  private final ByteBuffer ping;
  private final ByteBuffer pings;
  private final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
  private final ByteBuffer copy = ByteBuffer.allocateDirect(FloorServer.COPY_BUFFER);
  private final long peerPid;

  FloorClient(Path echo, Path sink, Path source, byte[] pingFrame, int maxDepth, long peerPid)
      throws IOException {
    this.peerPid = peerPid;
    this.echo = UnixSocket.connect(echo);
    this.sink = sink;
    this.source = source;
    this.ping = ByteBuffer.allocateDirect(pingFrame.length).put(pingFrame).flip();
    this.pings = ByteBuffer.allocateDirect(pingFrame.length * maxDepth);
    for (int i = 0; i < maxDepth; i++) {
      pings.put(pingFrame);
    }
  }

  @Override
  public String name() {
    return "floor";
  }

  @Override
  public long peerPid() {
    return peerPid;
  }

  @Override
  public void roundTrip() throws IOException {
    ping.rewind();
    UnixSocket.writeFully(echo, ping);
    in.clear();
    while (true) {
      if (echo.read(in) < 0) {
        throw new IOException("floor server closed the socket");
      }
      if (in.position() >= 8 && in.position() >= 8 + in.getInt(4)) {
        return;
      }
    }
  }

  @Override
  public double pipelined(int depth, long nanos) throws IOException {
    int frameLength = ping.capacity();
    long start = System.nanoTime();
    long end = start + nanos;
    writePings(depth, frameLength);
    int outstanding = depth;
    long counted = 0;
    in.clear();
    while (outstanding > 0) {
      if (echo.read(in) < 0) {
        throw new IOException("floor server closed the socket");
      }
      in.flip();
      int replies = UnixSocket.skipFrames(in);
      in.compact();
      if (replies == 0) {
        continue;
      }
      outstanding -= replies;
      long now = System.nanoTime();
      if (now < end) {
        counted += replies;
        writePings(replies, frameLength);
        outstanding += replies;
      }
    }
    return counted * 1e9 / nanos;
  }

  private void writePings(int n, int frameLength) throws IOException {
    pings.position(0).limit(n * frameLength);
    UnixSocket.writeFully(echo, pings);
  }

  /** Streams {@code bytes} to the sink and waits for its count; returns the nanoseconds taken. */
  long upload(long bytes) throws IOException {
    try (SocketChannel ch = UnixSocket.connect(sink)) {
      long start = System.nanoTime();
      long remaining = bytes;
      while (remaining > 0) {
        copy.clear();
        if (remaining < copy.capacity()) {
          copy.limit((int) remaining);
        }
        remaining -= copy.remaining();
        UnixSocket.writeFully(ch, copy);
      }
      ch.shutdownOutput();
      ByteBuffer count = ByteBuffer.allocate(8);
      UnixSocket.readFully(ch, count);
      long nanos = System.nanoTime() - start;
      if (count.flip().getLong() != bytes) {
        throw new IOException("the sink counted " + count.getLong(0) + " bytes, not " + bytes);
      }
      return nanos;
    }
  }

  /** Asks the source for {@code bytes} and reads them all; returns the nanoseconds taken. */
  long download(long bytes) throws IOException {
    try (SocketChannel ch = UnixSocket.connect(source)) {
      long start = System.nanoTime();
      ByteBuffer count = ByteBuffer.allocate(8).putLong(bytes).flip();
      UnixSocket.writeFully(ch, count);
      long received = 0;
      while (received < bytes) {
        copy.clear();
        int n = ch.read(copy);
        if (n < 0) {
          throw new IOException("the source stopped after " + received + " of " + bytes + " bytes");
        }
        received += n;
      }
      return System.nanoTime() - start;
    }
  }

  @Override
  public void close() throws IOException {
    echo.close();
  }
}
