package io.quantix.agent.transport.vsock;

import io.quantix.agent.transport.testing.TestLoops;
import io.quantix.agent.transport.testing.TestSupport;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.unix.DomainSocketAddress;
import io.quantix.agent.transport.vsock.internal.VsockChannel;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vsock channel class itself. There is no vsock loopback on the build machines, so its epoll
 * stream machinery (reads, writes, close) is exercised over an AF_UNIX socket descriptor.
 */
class VsockChannelTest {
  private static final int ROUNDS = 1_000;
  @RegisterExtension
  static final TestLoops LOOPS = TestLoops.epollOnly();

  @TempDir Path dir;

  /** A blocking echo server for one client. */
  private static Thread echo(ServerSocketChannel server) {
    Thread t = new Thread(() -> {
      try (SocketChannel client = server.accept()) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (client.read(buf) >= 0) {
          buf.flip();
          while (buf.hasRemaining()) {
            client.write(buf);
          }
          buf.clear();
        }
      } catch (IOException e) {
        // the client closed
      }
    }, "echo");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Sends payloads one at a time, each after the previous one came back whole. */
  private static final class RoundTrips extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Long> done = new CompletableFuture<>();
    private final Random random = new Random(7);
    private final CRC32 sent = new CRC32();
    private final CRC32 received = new CRC32();
    private int round;
    private int outstanding;

    void next(ChannelHandlerContext ctx) {
      if (round == ROUNDS) {
        done.complete(sent.getValue() == received.getValue() ? (long) round : -1L);
        return;
      }
      round++;
      byte[] payload = new byte[1 + random.nextInt(4096)];
      random.nextBytes(payload);
      sent.update(payload);
      outstanding = payload.length;
      ctx.writeAndFlush(Unpooled.wrappedBuffer(payload));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      next(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        received.update(bytes);
        outstanding -= bytes.length;
      } finally {
        buf.release();
      }
      if (outstanding == 0) {
        next(ctx);
      } else if (outstanding < 0) {
        done.completeExceptionally(new AssertionError("echoed more than was sent"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
    }
  }

  @Test
  void carriesAThousandEchoRoundTripsOverAnAfUnixDescriptor() throws Exception {
    Path path = dir.resolve("echo.sock");
    long before = TestSupport.openFds();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      Thread echo = echo(server);
      LinuxSocket socket = LinuxSocket.newSocketDomain();
      assertThat(socket.connect(new DomainSocketAddress(path.toString()))).isTrue();
      VsockChannel channel = new VsockChannel(socket.intValue());
      assertThat(channel.isActive()).as("a connected descriptor is active").isTrue();
      assertThat(channel.remoteAddress()).as("no vsock address on a non-vsock descriptor").isNull();
      RoundTrips trips = new RoundTrips();
      channel.pipeline().addLast(trips);
      LOOPS.epoll().group().register(channel).sync(); // fires channelActive: the first round starts
      assertThat(trips.done.get(60, TimeUnit.SECONDS)).as("rounds, -1 on a checksum mismatch")
          .isEqualTo((long) ROUNDS);
      channel.close().sync();
      echo.join(5000);
      assertThat(channel.isOpen()).isFalse();
    }
    TestSupport.awaitFds(before); // the channel owned the descriptor and closed it
  }

  @Test
  void aNewChannelIsAnUnconnectedVsockSocket() throws Exception {
    String reason = VsockProbe.unavailableReason();
    Assumptions.assumeTrue(reason == null, reason);
    long before = TestSupport.openFds();
    VsockChannel channel = new VsockChannel();
    assertThat(channel.isOpen()).isTrue();
    assertThat(channel.isActive()).isFalse();
    assertThat(channel.remoteAddress()).isNull();
    assertThat(channel.localAddress()).isNull();
    assertThat(channel.hasPeer()).isFalse();
    assertThat(TestSupport.openFds()).isEqualTo(before + 1);
    LOOPS.epoll().group().register(channel).sync();
    channel.close().sync();
    TestSupport.awaitFds(before);
  }
}
