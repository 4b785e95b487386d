package io.quantix.agent.benchmarks.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The naive qemu-ga client the SDK is compared with: a blocking JDK Unix socket, one request line
 * written, its reply line read, Jackson for the JSON; no sync, queue or deadline. Every reply is
 * read before it closes (qemu-ga 7.2 exits otherwise).
 */
final class QgaRawClient implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private final SocketChannel ch;
  private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  QgaRawClient(Path socket) throws IOException {
    ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    in.flip();
  }

  /** Sends raw bytes (a pre-encoded request line) and returns the reply line's bytes. */
  byte[] roundTrip(byte[] request) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(request);
    while (out.hasRemaining()) {
      ch.write(out);
    }
    line.reset();
    while (true) {
      while (in.hasRemaining()) {
        byte b = in.get();
        if (b == '\n') {
          return line.toByteArray();
        }
        line.write(b);
      }
      in.clear();
      if (ch.read(in) < 0) {
        throw new IOException("qemu-ga closed the socket");
      }
      in.flip();
    }
  }

  /** Runs {@code command} and returns its {@code return} value. */
  JsonNode call(String command, ObjectNode arguments) throws IOException {
    ObjectNode request = JSON.createObjectNode().put("execute", command);
    if (arguments != null) {
      request.set("arguments", arguments);
    }
    byte[] json = JSON.writeValueAsBytes(request);
    byte[] lineOut = java.util.Arrays.copyOf(json, json.length + 1);
    lineOut[json.length] = '\n';
    JsonNode reply = JSON.readTree(roundTrip(lineOut));
    if (reply.has("error")) {
      throw new IOException(command + ": " + reply.get("error"));
    }
    return reply.get("return");
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
