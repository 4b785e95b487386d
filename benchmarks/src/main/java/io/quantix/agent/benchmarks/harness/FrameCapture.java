package io.quantix.agent.benchmarks.harness;

import com.google.protobuf.InvalidProtocolBufferException;
import io.quantix.agent.proto.AgentMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recording relay between the SDK and the fake agent, so that the floor and gRPC-java send and
 * receive exactly the frames the SDK does: the ping frame the SDK writes and the pong frame it
 * gets back, byte for byte.
 */
final class FrameCapture implements AutoCloseable {
  private static final int LIMIT = 1 << 20;

  private final ServerSocketChannel server;
  private final Path upstream;
  private final Path listen;
  private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
  private final ByteArrayOutputStream fromAgent = new ByteArrayOutputStream();
  private final List<Thread> pumps = new ArrayList<>();
  private final Thread acceptor;

  /** The captured exchange. */
  record PingPong(byte[] pingFrame, byte[] pongFrame, AgentMessage ping, AgentMessage pong) {}

  FrameCapture(Path listen, Path upstream) throws IOException {
    this.listen = listen;
    this.upstream = upstream;
    this.server = UnixSocket.listen(listen);
    this.acceptor = new Thread(this::acceptOne, "capture-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptOne() {
    try {
      SocketChannel client = server.accept();
      SocketChannel agent = UnixSocket.connect(upstream);
      synchronized (pumps) {
        pumps.add(pump(client, agent, fromClient, "capture-to-agent"));
        pumps.add(pump(agent, client, fromAgent, "capture-to-client"));
      }
    } catch (IOException e) {
      // The listener was closed before the client came.
    }
  }

  private static Thread pump(SocketChannel in, SocketChannel out, ByteArrayOutputStream record,
      String name) {
    Thread t = new Thread(() -> {
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      try {
        while (in.read(buf) >= 0) {
          buf.flip();
          synchronized (record) {
            if (record.size() < LIMIT) {
              record.write(buf.array(), 0, buf.limit());
            }
          }
          UnixSocket.writeFully(out, buf);
          buf.clear();
        }
        out.shutdownOutput();
      } catch (IOException e) {
        // One side went away; the other pump ends too.
      } finally {
        try {
          out.shutdownOutput();
        } catch (IOException ignored) {
          // Already closed.
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits for both directions to end (the SDK closed its session), then stops listening. */
  @Override
  public void close() throws IOException {
    server.close();
    try {
      acceptor.join(10_000);
      List<Thread> copy;
      synchronized (pumps) {
        copy = new ArrayList<>(pumps);
      }
      for (Thread t : copy) {
        t.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(listen);
  }

  /** The last ping the SDK sent and the pong that answered it. */
  PingPong pingPong() throws IOException {
    List<byte[]> sent;
    List<byte[]> received;
    synchronized (fromClient) {
      sent = frames(fromClient.toByteArray());
    }
    synchronized (fromAgent) {
      received = frames(fromAgent.toByteArray());
    }
    Map<String, byte[]> pongs = new HashMap<>();
    Map<String, AgentMessage> pongMessages = new HashMap<>();
    for (byte[] frame : received) {
      AgentMessage m = parse(frame);
      if (m.getPayloadCase() == AgentMessage.PayloadCase.PONG) {
        pongs.put(m.getMessageId(), frame);
        pongMessages.put(m.getMessageId(), m);
      }
    }
    PingPong last = null;
    for (byte[] frame : sent) {
      AgentMessage m = parse(frame);
      if (m.getPayloadCase() == AgentMessage.PayloadCase.PING && pongs.containsKey(m.getMessageId())) {
        last = new PingPong(frame, pongs.get(m.getMessageId()), m, pongMessages.get(m.getMessageId()));
      }
    }
    if (last == null) {
      throw new IOException("no answered ping went through the capture relay (" + sent.size()
          + " frames out, " + received.size() + " in)");
    }
    return last;
  }

  private static AgentMessage parse(byte[] frame) throws InvalidProtocolBufferException {
    return AgentMessage.parseFrom(Arrays.copyOfRange(frame, 8, frame.length));
  }

  /** Splits a recorded stream into whole frames (magic, length, payload). */
  static List<byte[]> frames(byte[] stream) {
    List<byte[]> frames = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(stream);
    while (buf.remaining() >= 8) {
      int start = buf.position();
      int length = buf.getInt(start + 4);
      if (length < 0 || buf.remaining() - 8 < length) {
        break;
      }
      frames.add(Arrays.copyOfRange(stream, start, start + 8 + length));
      buf.position(start + 8 + length);
    }
    return frames;
  }
}
