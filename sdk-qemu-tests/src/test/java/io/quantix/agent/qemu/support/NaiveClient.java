package io.quantix.agent.qemu.support;

import com.google.protobuf.ByteString;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileReadRequest;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.FileWriteResponse;
import io.quantix.agent.proto.PingRequest;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The peer the SDK is compared with through the same virtio-serial path: a blocking JDK Unix
 * socket, one request at a time, each frame written and its reply awaited. Frames that are not the
 * awaited reply (telemetry, AgentReady, stale replies of an earlier client) are skipped, and bytes
 * before a frame magic are dropped, so it survives what an earlier host left behind.
 */
public final class NaiveClient implements AutoCloseable {
  private static final int MAGIC = 0x5154_5801;
  private static final int MAX_FRAME = 16 * 1024 * 1024;

  private final SocketChannel channel;
  private final ByteBuffer header = ByteBuffer.allocate(8);
  private long nextId;

  private NaiveClient(SocketChannel channel) {
    this.channel = channel;
  }

  /** Connects (blocking) to a chardev socket. */
  public static NaiveClient connect(Path socket) throws IOException {
    return new NaiveClient(UnixSockets.connect(socket));
  }

  /** One ping round trip. */
  public void ping() throws IOException {
    call(AgentMessage.newBuilder().setPing(PingRequest.newBuilder().setSequence(nextId)));
  }

  /** Writes {@code data} to {@code path} in sequential acknowledged chunks. */
  public void upload(String path, byte[] data, int chunkSize) throws IOException {
    int chunks = Math.max(1, (data.length + chunkSize - 1) / chunkSize);
    for (int i = 0; i < chunks; i++) {
      int offset = i * chunkSize;
      int length = Math.min(chunkSize, data.length - offset);
      AgentMessage reply = call(AgentMessage.newBuilder().setFileWrite(FileWriteRequest.newBuilder()
          .setPath(path).setData(ByteString.copyFrom(data, offset, length)).setOffset(offset)
          .setChunkNumber(i).setTotalChunks(chunks).setEof(i == chunks - 1)));
      FileWriteResponse written = reply.getFileWriteResponse();
      if (!written.getSuccess() || written.getBytesWritten() != length) {
        throw new IOException("chunk " + i + " failed: " + written);
      }
    }
  }

  /** Reads {@code path} in sequential chunks into {@code sink}; returns the bytes read. */
  public long download(String path, int chunkSize, OutputStream sink) throws IOException {
    long received = 0;
    while (true) {
      AgentMessage reply = call(AgentMessage.newBuilder().setFileRead(FileReadRequest.newBuilder()
          .setPath(path).setOffset(received).setLength(chunkSize).setChunkSize(chunkSize)));
      FileReadResponse chunk = reply.getFileReadResponse();
      if (!chunk.getSuccess()) {
        throw new IOException("read at " + received + " failed: " + chunk.getError());
      }
      chunk.getData().writeTo(sink);
      received += chunk.getData().size();
      if (received >= chunk.getTotalSize()) {
        return received;
      }
      if (chunk.getData().isEmpty()) {
        throw new IOException("no progress at " + received + " of " + chunk.getTotalSize());
      }
    }
  }

  /** Writes a request frame without reading anything (to leave replies behind on purpose). */
  public void send(AgentMessage.Builder request) throws IOException {
    request.setMessageId("naive-" + ++nextId);
    write(request.build());
  }

  private AgentMessage call(AgentMessage.Builder request) throws IOException {
    send(request);
    String id = request.getMessageId();
    while (true) {
      AgentMessage reply = readFrame();
      if (id.equals(reply.getMessageId())) {
        return reply;
      }
    }
  }

  private void write(AgentMessage message) throws IOException {
    byte[] payload = message.toByteArray();
    ByteBuffer frame = ByteBuffer.allocate(8 + payload.length);
    frame.putInt(MAGIC).putInt(payload.length).put(payload).flip();
    while (frame.hasRemaining()) {
      channel.write(frame);
    }
  }

  private AgentMessage readFrame() throws IOException {
    header.clear();
    readFully(header);
    // resynchronise on the magic: an earlier host may have left part of a frame
    while (header.getInt(0) != MAGIC) {
      header.position(1);
      header.compact();
      readFully(header);
    }
    int length = header.getInt(4);
    if (length <= 0 || length > MAX_FRAME) {
      throw new IOException("bad frame length " + length);
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(payload);
    return AgentMessage.parseFrom(payload.flip());
  }

  private void readFully(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new EOFException("chardev socket closed");
      }
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
