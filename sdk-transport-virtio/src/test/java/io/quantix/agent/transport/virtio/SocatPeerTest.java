package io.quantix.agent.transport.virtio;

import io.quantix.agent.transport.testing.ByteCollector;
import io.quantix.agent.transport.testing.TestLoops;
import io.quantix.agent.transport.testing.TestSupport;
import static io.quantix.agent.transport.testing.TestSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.framing.Framing;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.PongResponse;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.TransportOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unix transport against socat playing QEMU's virtio-serial chardev (PTY = the guest's port,
 * single-client Unix socket = the host side). Skipped when socat is not installed.
 */
class SocatPeerTest {
  private static final int MIB = 1024 * 1024;
  @RegisterExtension
  static final TestLoops LOOPS = TestLoops.epollOnly();
  private static ExecutorService guest;
  private final VirtioSerialTransport transport = new VirtioSerialTransport();
  private final List<Channel> channels = new CopyOnWriteArrayList<>();

  @TempDir Path dir;
  private Socat socat;

  @BeforeAll
  static void start() {
    guest = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "guest");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stop() {
    guest.shutdownNow();
  }

  @BeforeEach
  void startSocat() throws IOException {
    Assumptions.assumeTrue(Socat.executable().isPresent(),
        "socat is not installed (apt-get install socat; the CI script installs it)");
    socat = Socat.start(dir);
  }

  @AfterEach
  void stopSocat() throws Exception {
    for (Channel c : channels) {
      c.close().sync();
    }
    if (socat != null) {
      socat.close();
    }
  }

  private Channel connect(ChannelHandler pipeline, TransportOptions options) throws Exception {
    Channel channel = transport.connect(Endpoint.unix(socat.socket), new ConnectRequest(LOOPS.epoll(),
        Deadline.after(Duration.ofSeconds(5)), pipeline, options)).get(5, TimeUnit.SECONDS);
    channels.add(channel);
    return channel;
  }

  private static byte[] testData() {
    byte[] data = new byte[256 + MIB];
    for (int i = 0; i < 256; i++) {
      data[i] = (byte) i;
    }
    byte[] random = new byte[MIB];
    new Random(42).nextBytes(random);
    System.arraycopy(random, 0, data, 256, MIB);
    return data;
  }

  private static String sha256(byte[] data) throws Exception {
    StringBuilder hex = new StringBuilder();
    for (byte b : MessageDigest.getInstance("SHA-256").digest(data)) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  private static void report(String direction, int bytes, long nanos) {
    System.out.printf("socat %s: %d bytes in %.1f ms = %.1f MB/s%n", direction, bytes,
        nanos / 1e6, bytes / 1e6 / (nanos / 1e9));
  }

  @Test
  void guestToHostIsBinarySafe() throws Exception {
    ByteCollector host = new ByteCollector();
    connect(host, TransportOptions.DEFAULT);
    byte[] data = testData();
    for (int round = 1; round <= 2; round++) { // the second round runs warm and is the one to quote
      long started = System.nanoTime();
      CompletableFuture<Void> written = CompletableFuture.runAsync(() -> write(data), guest);
      int expected = round * data.length;
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
          .until(() -> host.size() >= expected);
      report("guest->host round " + round, data.length, System.nanoTime() - started);
      written.get(5, TimeUnit.SECONDS);
    }
    byte[] received = host.bytes();
    assertThat(received).hasSize(2 * data.length);
    assertThat(sha256(java.util.Arrays.copyOfRange(received, 0, data.length)))
        .isEqualTo(sha256(data));
    assertThat(sha256(java.util.Arrays.copyOfRange(received, data.length, received.length)))
        .isEqualTo(sha256(data));
  }

  @Test
  void hostToGuestIsBinarySafe() throws Exception {
    Channel host = connect(new ByteCollector(), TransportOptions.DEFAULT);
    byte[] data = testData();
    InputStream port = socat.guestIn();
    for (int round = 1; round <= 2; round++) { // the second round runs warm and is the one to quote
      CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readExactly(port,
          data.length), guest);
      long started = System.nanoTime();
      host.writeAndFlush(Unpooled.wrappedBuffer(data));
      byte[] received = read.get(60, TimeUnit.SECONDS);
      report("host->guest round " + round, data.length, System.nanoTime() - started);
      assertThat(sha256(received)).isEqualTo(sha256(data));
    }
  }

  @Test
  void framesTheGuestWroteWhileNoHostWasConnectedArriveOnTheNextConnect() throws Exception {
    ByteArrayOutputStream stale = new ByteArrayOutputStream();
    for (int i = 1; i <= 72; i++) {
      stale.write(frame(i, "x".repeat(100)));
    }
    assertThat(stale.size()).isBetween(8 * 1024, 10 * 1024);
    CompletableFuture.runAsync(() -> write(stale.toByteArray()), guest).get(10, TimeUnit.SECONDS);

    FrameCollector host = new FrameCollector();
    connect(host, TransportOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.messages.size() == 72);
    assertThat(host.sequences()).isEqualTo(range(1, 72));
  }

  @Test
  void aPartialFrameBeforeGoodOnesIsResyncedPast() throws Exception {
    byte[] truncated = frame(999, "left over from a guest agent that restarted mid-frame");
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.write(truncated, 0, truncated.length / 2);
    for (int i = 1; i <= 10; i++) {
      stream.write(frame(i, "good"));
    }
    CompletableFuture.runAsync(() -> write(stream.toByteArray()), guest).get(10, TimeUnit.SECONDS);

    FrameCollector host = new FrameCollector();
    connect(host, TransportOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.messages.size() == 10);
    assertThat(host.sequences()).isEqualTo(range(1, 10));
    assertThat(host.decoder.stats().droppedFrames() + host.decoder.stats().skippedBytes())
        .as("the partial frame was dropped or skipped").isPositive();
  }

  @Test
  void secondConnectWithLockFilesIsBusyAtOnce() throws Exception {
    TransportOptions locked = TransportOptions.builder().lockDirectory(dir.resolve("locks")).build();
    ByteCollector first = new ByteCollector();
    connect(first, locked);

    long started = System.nanoTime();
    AgentException busy = failure(transport.connect(Endpoint.unix(socat.socket),
        new ConnectRequest(LOOPS.epoll(), Deadline.after(Duration.ofSeconds(5)), new ByteCollector(),
            locked)), ConnectFailure.CHANNEL_BUSY);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThat(busy.getMessage()).contains("unix:" + socat.socket)
        .contains("pid " + ProcessHandle.current().pid());

    write("still-first".getBytes(StandardCharsets.US_ASCII));
    await().atMost(Duration.ofSeconds(5)).until(() -> first.size() == 11);
  }

  /**
   * Without lock files a second client is accepted by the kernel into socat's listen backlog
   * (max-children=1 stops socat accepting): the connect succeeds at once, within its deadline,
   * and the channel is silent until the first client leaves. The session layer reports such a
   * channel as AGENT_SILENT when no AgentReady arrives in time.
   */
  @Test
  void secondConnectWithoutLockFilesIsSilentUntilTheFirstLeaves() throws Exception {
    ByteCollector first = new ByteCollector();
    Channel firstChannel = connect(first, TransportOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(5)).until(() -> socat.children().size() == 1);
    java.util.Set<Long> firstChild = socat.children();
    ByteCollector second = new ByteCollector();
    long started = System.nanoTime();
    Channel secondChannel = connect(second, TransportOptions.DEFAULT);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(secondChannel.isActive()).isTrue();

    write("for-first".getBytes(StandardCharsets.US_ASCII));
    await().atMost(Duration.ofSeconds(5)).until(() -> first.size() == 9);
    assertThat(second.size()).as("the backlogged client hears nothing").isZero();

    firstChannel.close().sync();
    // Bytes the guest writes while socat's old child is still winding down go to the old session
    // and are lost (as with any hand-over); wait until socat serves the backlogged client.
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      java.util.Set<Long> now = socat.children();
      return now.size() == 1 && !now.equals(firstChild);
    });
    write("for-second".getBytes(StandardCharsets.US_ASCII));
    await().atMost(Duration.ofSeconds(10)).until(() -> second.size() == 10);
    assertThat(new String(second.bytes(), StandardCharsets.US_ASCII)).isEqualTo("for-second");
  }

  private void write(byte[] data) {
    try {
      socat.guestOut().write(data);
      socat.guestOut().flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] readExactly(InputStream in, int length) {
    byte[] data = new byte[length];
    try {
      int at = 0;
      while (at < length) {
        int n = in.read(data, at, length - at);
        if (n < 0) {
          throw new IOException("guest port closed after " + at + " bytes");
        }
        at += n;
      }
      return data;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] frame(long sequence, String idPadding) {
    byte[] payload = AgentMessage.newBuilder().setMessageId("m-" + sequence + "-" + idPadding)
        .setPong(PongResponse.newBuilder().setSequence(sequence)).build().toByteArray();
    ByteBuffer frame = ByteBuffer.allocate(Framing.HEADER_LENGTH + payload.length);
    frame.putInt(Framing.MAGIC).putInt(payload.length).put(payload);
    return frame.array();
  }

  private static List<Long> range(long from, long to) {
    return java.util.stream.LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  /** Decodes frames with the SDK's decoder and keeps the messages. */
  private static final class FrameCollector extends ChannelInitializer<Channel> {
    final FrameDecoder decoder = new FrameDecoder(FrameFormat.MAGIC);
    final List<AgentMessage> messages = new CopyOnWriteArrayList<>();

    @Override
    protected void initChannel(Channel ch) {
      ch.pipeline().addLast(decoder, new SimpleChannelInboundHandler<AgentMessage>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, AgentMessage msg) {
          messages.add(msg);
        }
      });
    }

    List<Long> sequences() {
      return messages.stream().map(m -> m.getPong().getSequence()).collect(Collectors.toList());
    }
  }
}
