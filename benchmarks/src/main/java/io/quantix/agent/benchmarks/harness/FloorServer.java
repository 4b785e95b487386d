package io.quantix.agent.benchmarks.harness;

import io.quantix.agent.proto.AgentMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The floor's server half, in its own JVM: the least a blocking Java program must do to answer the
 * SDK's frames over a Unix socket. One thread per connection, no framework.
 *
 * <ul>
 *   <li>{@code --echo PATH --reply HEX}: for every whole frame read, writes the reply frame (the
 *       pong the fake agent sends the SDK); replies to frames read together go out in one write.
 *   <li>{@code --respond PATH --pong HEX [--file-size BYTES]}: a minimal agent for the SDK (a
 *       diagnostic, not the floor, {@link MinimalAgent}): pings, and reads, writes and stats of
 *       files that are never stored, every file being {@code BYTES} long.
 *   <li>{@code --sink PATH}: reads to end of stream, then writes the byte count (8 bytes).
 *   <li>{@code --source PATH}: reads a byte count (8 bytes), writes that many bytes, closes.
 * </ul>
 *
 * Prints {@code ready} once every socket listens; runs until killed.
 */
public final class FloorServer {
  static final int COPY_BUFFER = 1 << 20;

  private FloorServer() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws IOException, InterruptedException {
    Path echo = null;
    Path sink = null;
    Path source = null;
    Path respond = null;
    byte[] reply = null;
    AgentMessage pongMessage = null;
    long fileSize = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--echo": echo = Path.of(args[i + 1]); break;
        case "--sink": sink = Path.of(args[i + 1]); break;
        case "--source": source = Path.of(args[i + 1]); break;
        case "--reply": reply = HexFormat.of().parseHex(args[i + 1]); break;
        case "--respond": respond = Path.of(args[i + 1]); break;
        case "--pong": pongMessage = AgentMessage.parseFrom(HexFormat.of().parseHex(args[i + 1])); break;
        case "--file-size": fileSize = Long.parseLong(args[i + 1]); break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (echo == null || sink == null || source == null || reply == null || respond == null
        || pongMessage == null) {
      throw new IllegalArgumentException("need --echo PATH --reply HEX --respond PATH --pong HEX"
          + " --sink PATH --source PATH");
    }
    byte[] pong = reply;
    serve(UnixSocket.listen(echo), ch -> echo(ch, pong));
    AgentMessage pongTemplate = pongMessage;
    long size = fileSize;
    serve(UnixSocket.listen(respond), ch -> MinimalAgent.serve(ch, pongTemplate, size));
    serve(UnixSocket.listen(sink), FloorServer::sink);
    serve(UnixSocket.listen(source), FloorServer::source);
    System.out.println("ready");
    System.out.flush();
    Thread.currentThread().join();
  }

  private interface Handler {
    void handle(SocketChannel ch) throws IOException;
  }

  private static void serve(ServerSocketChannel server, Handler handler) {
    Thread acceptor = new Thread(() -> {
      while (true) {
        SocketChannel ch;
        try {
          ch = server.accept();
        } catch (IOException e) {
          return;
        }
        Thread t = new Thread(() -> {
          try (ch) {
            handler.handle(ch);
          } catch (IOException e) {
            // The client went away; nothing to report.
          }
        }, "floor-conn");
        t.setDaemon(true);
        t.start();
      }
    }, "floor-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void echo(SocketChannel ch, byte[] pong) throws IOException {
    ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
    ByteBuffer out = ByteBuffer.allocateDirect(Math.max(256 * 1024, pong.length));
    while (ch.read(in) >= 0) {
      in.flip();
      int frames = UnixSocket.skipFrames(in);
      in.compact();
      out.clear();
      for (int i = 0; i < frames; i++) {
        if (out.remaining() < pong.length) {
          out.flip();
          UnixSocket.writeFully(ch, out);
          out.clear();
        }
        out.put(pong);
      }
      out.flip();
      UnixSocket.writeFully(ch, out);
    }
  }

  private static void sink(SocketChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER);
    long total = 0;
    int n;
    while ((n = ch.read(buf)) >= 0) {
      total += n;
      buf.clear();
    }
    buf.clear();
    buf.putLong(total).flip();
    UnixSocket.writeFully(ch, buf);
  }

  private static void source(SocketChannel ch) throws IOException {
    ByteBuffer count = ByteBuffer.allocate(8);
    UnixSocket.readFully(ch, count);
    long remaining = count.flip().getLong();
    ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER);
    while (remaining > 0) {
      buf.clear();
      if (remaining < buf.capacity()) {
        buf.limit((int) remaining);
      }
      remaining -= buf.remaining();
      UnixSocket.writeFully(ch, buf);
    }
  }
}
