package io.quantix.agent.benchmarks.harness;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.quantix.agent.framing.Framing;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.DirectoryEntry;
import io.quantix.agent.proto.FileReadRequest;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileStatResponse;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.FileWriteResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal agent for the SDK, in the floor server's process (a diagnostic, not the floor): one
 * blocking thread per connection, no Netty, no executor, no file system. It answers pings with the
 * captured pong carrying the ping's id and sequence; reads with bytes of one cached array, as if
 * every path were a file of {@code fileSize} bytes; writes by counting their bytes per path (the
 * data is read in place, never copied); stats with that count. Replies to frames read together go
 * out in one write. No AgentReady: the SDK's readiness probe is a ping, and its pong makes the
 * session ready. Its distance from the SDK column is the fake agent's share of a row.
 */
final class MinimalAgent {
  private final AgentMessage pongTemplate;
  private final long fileSize;
  /** The bytes every read returns, from its offset modulo this array's length. */
  private final byte[] content = new byte[FloorServer.COPY_BUFFER];
  private final Map<String, Long> written = new HashMap<>();
  private ByteBuffer in = ByteBuffer.allocate(256 * 1024);
  private ByteBuffer out = ByteBuffer.allocateDirect(256 * 1024);

  private MinimalAgent(AgentMessage pongTemplate, long fileSize) {
    this.pongTemplate = pongTemplate;
    this.fileSize = fileSize;
    Transfers.fill(content);
  }

  /** Serves one connection until the client closes it. */
  static void serve(SocketChannel ch, AgentMessage pongTemplate, long fileSize) throws IOException {
    new MinimalAgent(pongTemplate, fileSize).run(ch);
  }

  private void run(SocketChannel ch) throws IOException {
    while (ch.read(in) >= 0) {
      in.flip();
      out.clear();
      while (in.remaining() >= Framing.HEADER_LENGTH) {
        int length = in.getInt(in.position() + 4);
        if (in.remaining() - Framing.HEADER_LENGTH < length) {
          break;
        }
        CodedInputStream coded = CodedInputStream.newInstance(in.array(),
            in.arrayOffset() + in.position() + Framing.HEADER_LENGTH, length);
        coded.enableAliasing(true);
        AgentMessage request = AgentMessage.parseFrom(coded);
        in.position(in.position() + Framing.HEADER_LENGTH + length);
        AgentMessage reply = answer(request);
        if (reply != null) {
          append(ch, reply);
        }
      }
      in.compact();
      if (!in.hasRemaining()) {
        // A frame longer than the buffer (a 1 MiB chunk): grow to hold it whole.
        in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
      }
      out.flip();
      UnixSocket.writeFully(ch, out);
    }
  }

  private AgentMessage answer(AgentMessage request) {
    AgentMessage.Builder reply = AgentMessage.newBuilder().setMessageId(request.getMessageId());
    switch (request.getPayloadCase()) {
      case PING:
        return pongTemplate.toBuilder().setMessageId(request.getMessageId())
            .setPong(pongTemplate.getPong().toBuilder().setSequence(request.getPing().getSequence()))
            .build();
      case FILE_READ:
        return reply.setFileReadResponse(read(request.getFileRead())).build();
      case FILE_WRITE:
        FileWriteRequest w = request.getFileWrite();
        long end = w.getOffset() + w.getData().size();
        boolean truncate = w.getOffset() == 0 && w.getChunkNumber() == 0 && !w.getAppend();
        written.merge(w.getPath(), end, (old, now) -> truncate ? now : Math.max(old, now));
        return reply.setFileWriteResponse(FileWriteResponse.newBuilder().setSuccess(true)
            .setBytesWritten(w.getData().size()).setChunkNumber(w.getChunkNumber())).build();
      case FILE_STAT:
        String path = request.getFileStat().getPath();
        return reply.setFileStatResponse(FileStatResponse.newBuilder().setSuccess(true)
            .setEntry(DirectoryEntry.newBuilder().setPath(path)
                .setSizeBytes(written.getOrDefault(path, fileSize)).setMode(0100644))).build();
      default:
        return null;
    }
  }

  private FileReadResponse read(FileReadRequest r) {
    long remaining = Math.max(0, fileSize - r.getOffset());
    int n = (int) Math.min(Math.min(r.getLength(), remaining), content.length);
    int from = (int) (r.getOffset() % content.length);
    ByteString data = from + n <= content.length
        ? UnsafeByteOperations.unsafeWrap(content, from, n)
        : UnsafeByteOperations.unsafeWrap(content, from, content.length - from)
            .concat(UnsafeByteOperations.unsafeWrap(content, 0, n - (content.length - from)));
    return FileReadResponse.newBuilder().setSuccess(true).setData(data).setOffset(r.getOffset())
        .setTotalSize(fileSize).setEof(r.getOffset() + n >= fileSize).build();
  }

  /** Adds one frame to the reply buffer, writing out what is there first if it does not fit. */
  private void append(SocketChannel ch, AgentMessage reply) throws IOException {
    int size = reply.getSerializedSize();
    if (out.remaining() < Framing.HEADER_LENGTH + size) {
      out.flip();
      UnixSocket.writeFully(ch, out);
      out.clear();
      if (out.capacity() < Framing.HEADER_LENGTH + size) {
        out = ByteBuffer.allocateDirect(Framing.HEADER_LENGTH + size);
      }
    }
    out.putInt(Framing.MAGIC).putInt(size);
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    reply.writeTo(coded);
    coded.flush();
  }
}
