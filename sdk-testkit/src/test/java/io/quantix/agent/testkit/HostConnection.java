package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.framing.FrameOutcome;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.internal.Messages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A bare host for tests: a JDK Unix socket plus the framing codec, no SDK client. Reads use a
 * selector so every wait has a timeout.
 */
final class HostConnection implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);

  private final SocketChannel socket;
  private final Selector selector;
  private final EmbeddedChannel decoder;
  private final ArrayDeque<AgentMessage> decoded = new ArrayDeque<>();
  private final List<FrameOutcome> outcomes = new ArrayList<>();
  private final ByteArrayOutputStream rawPrefix = new ByteArrayOutputStream();
  private boolean rawMode;
  private boolean eof;
  private int lastReadBytes;

  private HostConnection(SocketChannel socket, boolean rawMode) throws IOException {
    this(socket, rawMode, true);
  }

  private HostConnection(SocketChannel socket, boolean rawMode, boolean requireMessageId) throws IOException {
    this.socket = socket;
    this.rawMode = rawMode;
    socket.configureBlocking(false);
    selector = Selector.open();
    socket.register(selector, SelectionKey.OP_READ);
    decoder = new EmbeddedChannel(new FrameDecoder(FrameFormat.MAGIC, requireMessageId), new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof FrameOutcome) {
          outcomes.add((FrameOutcome) evt);
        }
      }
    });
  }

  static HostConnection open(Path socket) throws IOException {
    return new HostConnection(SocketChannel.open(UnixDomainSocketAddress.of(socket)), false);
  }

  static HostConnection open(FakeGuestAgent agent) throws IOException {
    return open(agent.socketPath());
  }

  /** A connection that also accepts frames with an empty message_id. */
  static HostConnection openLenient(Path socket) throws IOException {
    return new HostConnection(SocketChannel.open(UnixDomainSocketAddress.of(socket)), false, false);
  }

  /** A connection whose first bytes are kept raw (for {@link #readLine}) until it is switched to frames. */
  static HostConnection openRaw(Path socket) throws IOException {
    return new HostConnection(SocketChannel.open(UnixDomainSocketAddress.of(socket)), true);
  }

  static AgentMessage ping(long sequence) {
    return request(AgentMessage.newBuilder().setPing(io.quantix.agent.proto.PingRequest.newBuilder().setSequence(sequence)));
  }

  static AgentMessage request(AgentMessage.Builder payload) {
    return payload.setMessageId(Messages.newId()).setTimestamp(Messages.now()).build();
  }

  void send(AgentMessage message) throws IOException {
    ByteBuf frame = FrameEncoder.encode(message, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
    try {
      byte[] bytes = new byte[frame.readableBytes()];
      frame.readBytes(bytes);
      sendRaw(bytes);
    } finally {
      frame.release();
    }
  }

  void sendRaw(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      socket.write(buffer);
    }
  }

  void sendLine(String line) throws IOException {
    sendRaw((line + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** The next decoded message, or null after {@code timeout} or at EOF. */
  AgentMessage read(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (decoded.isEmpty() && !eof) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !fill(left)) {
        break;
      }
    }
    return decoded.pollFirst();
  }

  /** The next message, failing the test after 5 s. */
  AgentMessage next() throws IOException {
    AgentMessage message = read(WAIT);
    assertThat(message).as("a message from the fake agent within 5 s (eof=%s)", eof).isNotNull();
    return message;
  }

  /** The next message matching {@code wanted}, skipping others (telemetry...), failing after 5 s. */
  AgentMessage next(Predicate<AgentMessage> wanted) throws IOException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      AgentMessage message = read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (message == null && eof) {
        break;
      }
      if (message != null && wanted.test(message)) {
        return message;
      }
    }
    throw new AssertionError("no matching message from the fake agent within 5 s (eof=" + eof + ")");
  }

  /** The next message that is not telemetry. */
  AgentMessage nextNonTelemetry() throws IOException {
    return next(m -> m.getPayloadCase() != PayloadCase.TELEMETRY);
  }

  /** The reply to {@code request}, skipping everything else. */
  AgentMessage replyTo(AgentMessage request) throws IOException {
    return next(m -> m.getMessageId().equals(request.getMessageId()) && !Messages.isEvent(m.getPayloadCase()));
  }

  /** Sends {@code request} and returns its reply. */
  AgentMessage call(AgentMessage request) throws IOException {
    send(request);
    return replyTo(request);
  }

  /** Reads a raw line (before frames start, e.g. hybrid vsock's OK line). */
  String readLine(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      byte[] raw = rawPrefix.toByteArray();
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == '\n') {
          rawPrefix.reset();
          rawMode = false;
          feed(Unpooled.wrappedBuffer(raw, i + 1, raw.length - i - 1));
          return new String(raw, 0, i, StandardCharsets.US_ASCII);
        }
      }
      long left = deadline - System.nanoTime();
      if (eof || left <= 0 || !fill(left)) {
        return null;
      }
    }
  }

  /** Waits for the agent to close the connection; false if it is still open after {@code timeout}. */
  boolean awaitEof(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!eof) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      fill(left);
    }
    return true;
  }

  /** True if nothing at all arrives within {@code window} (a timed assertion, not a sleep). */
  boolean silentFor(Duration window) throws IOException {
    return read(window) == null && !eof && rawPrefix.size() == 0;
  }

  boolean eof() {
    return eof;
  }

  /** Bytes returned by the most recent read() call on the socket. */
  int lastReadBytes() {
    return lastReadBytes;
  }

  /** What the host-side decoder reported (garbage skipped, frames dropped). */
  List<FrameOutcome> outcomes() {
    return outcomes;
  }

  /** Messages already decoded but not yet read. */
  List<AgentMessage> buffered() {
    return List.copyOf(decoded);
  }

  private boolean fill(long timeoutNanos) throws IOException {
    long millis = Math.max(1, timeoutNanos / 1_000_000);
    if (selector.select(millis) == 0) {
      return false;
    }
    selector.selectedKeys().clear();
    ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
    int n = socket.read(buffer);
    lastReadBytes = n;
    if (n < 0) {
      eof = true;
      return false;
    }
    buffer.flip();
    if (rawMode) {
      rawPrefix.write(buffer.array(), 0, buffer.limit());
    } else {
      feed(Unpooled.wrappedBuffer(buffer));
    }
    return true;
  }

  private void feed(ByteBuf bytes) {
    decoder.writeInbound(bytes);
    Object message;
    while ((message = decoder.readInbound()) != null) {
      decoded.addLast((AgentMessage) message);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
      socket.close();
    } finally {
      decoder.finishAndReleaseAll();
    }
  }
}
