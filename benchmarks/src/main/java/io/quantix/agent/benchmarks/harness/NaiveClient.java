package io.quantix.agent.benchmarks.harness;

import com.google.protobuf.UnsafeByteOperations;
import io.quantix.agent.framing.Framing;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileReadRequest;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.FileWriteResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The naive client of issue 15, an afternoon's script: a blocking Unix socket, the agent's framing
 * written by hand (magic, length, AgentMessage), transfers in 1 MiB chunks, each request answered
 * before the next leaves. Downloads move on by the bytes each reply carried until
 * {@code total_size}, so it is correct against 16 KiB builds too. Frames the agent pushes on its
 * own (AgentReady, telemetry) are skipped by message id.
 */
final class NaiveClient implements AutoCloseable {
  static final int CHUNK = 1024 * 1024;

  private final SocketChannel channel;
  private final ByteBuffer header = ByteBuffer.allocate(Framing.HEADER_LENGTH);
  private long ids;

  NaiveClient(Path socket) throws IOException {
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
  }

  /** Uploads {@code data} to {@code path}; returns the nanoseconds taken. */
  long upload(byte[] data, String path) throws IOException {
    long start = System.nanoTime();
    int number = 0;
    int offset = 0;
    do {
      int n = Math.min(CHUNK, data.length - offset);
      FileWriteResponse r = call(AgentMessage.newBuilder().setFileWrite(FileWriteRequest
          .newBuilder().setPath(path).setData(UnsafeByteOperations.unsafeWrap(data, offset, n))
          .setOffset(offset).setChunkNumber(number).setCreateParents(number == 0)
          .setEof(offset + n == data.length))).getFileWriteResponse();
      if (!r.getSuccess() || r.getBytesWritten() != n) {
        throw new IOException("naive upload: chunk " + number + " failed: " + r.getError());
      }
      offset += n;
      number++;
    } while (offset < data.length);
    return System.nanoTime() - start;
  }

  /** Downloads {@code path} into {@code sink}; returns the nanoseconds taken. */
  long download(String path, long expected, OutputStream sink) throws IOException {
    long start = System.nanoTime();
    long offset = 0;
    long total;
    do {
      FileReadResponse r = call(AgentMessage.newBuilder().setFileRead(FileReadRequest.newBuilder()
          .setPath(path).setOffset(offset).setLength(CHUNK).setChunkSize(CHUNK)))
          .getFileReadResponse();
      if (!r.getSuccess() || r.getData().isEmpty() && r.getTotalSize() > offset) {
        throw new IOException("naive download at " + offset + " failed: " + r.getError());
      }
      r.getData().writeTo(sink);
      offset += r.getData().size();
      total = r.getTotalSize();
    } while (offset < total);
    if (offset != expected) {
      throw new IOException("naive download moved " + offset + " of " + expected + " bytes");
    }
    return System.nanoTime() - start;
  }

  private AgentMessage call(AgentMessage.Builder request) throws IOException {
    String id = "naive-" + ++ids;
    byte[] payload = request.setMessageId(id).build().toByteArray();
    ByteBuffer frame = ByteBuffer.allocate(Framing.HEADER_LENGTH + payload.length)
        .putInt(Framing.MAGIC).putInt(payload.length).put(payload).flip();
    while (frame.hasRemaining()) {
      channel.write(frame);
    }
    while (true) {
      AgentMessage reply = readFrame();
      if (reply.getMessageId().equals(id)) {
        return reply;
      }
    }
  }

  private AgentMessage readFrame() throws IOException {
    header.clear();
    fill(header);
    header.flip();
    if (header.getInt() != Framing.MAGIC) {
      throw new IOException("naive client: lost frame sync");
    }
    ByteBuffer payload = ByteBuffer.allocate(header.getInt());
    fill(payload);
    return AgentMessage.parseFrom(payload.flip());
  }

  private void fill(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw new IOException("naive client: the agent closed the connection");
      }
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
