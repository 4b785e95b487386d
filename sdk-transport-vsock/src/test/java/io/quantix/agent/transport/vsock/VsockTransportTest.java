package io.quantix.agent.transport.vsock;

import io.quantix.agent.transport.testing.ByteCollector;
import io.quantix.agent.transport.testing.TestLoops;
import io.quantix.agent.transport.testing.TestSupport;
import static io.quantix.agent.transport.testing.TestSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.VSockAddress;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.TransportOptions;
import io.quantix.agent.transport.Transports;
import io.quantix.agent.transport.vsock.internal.VsockChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The vsock transport. This machine kind has AF_VSOCK but no loopback transport: binding CID 1
 * fails, connecting to CID 1 waits for the host and times out, connecting to the own CID fails
 * with ENODEV. Those paths are tested for real; a working vsock peer is only possible with the
 * loopback transport, so that test runs only where a probe finds it. CID 2 (the hypervisor host)
 * is never contacted.
 */
class VsockTransportTest {
  @RegisterExtension
  static final TestLoops LOOPS = TestLoops.epollOnly();
  private final VsockTransport transport = new VsockTransport();

  private CompletableFuture<Channel> connect(EventLoops loops, Endpoint endpoint, Duration timeout,
      ByteCollector collector) {
    return transport.connect(endpoint, new ConnectRequest(loops, Deadline.after(timeout),
        collector, TransportOptions.DEFAULT));
  }

  private static void assumeVsock() {
    String reason = VsockProbe.unavailableReason();
    Assumptions.assumeTrue(reason == null, reason);
  }

  @Test
  void nioEventLoopsAreNotSupported() throws Exception {
    EventLoops nio = TestSupport.nio();
    try {
      TestSupport.assertNoDescriptorLeak(() -> {
        AgentException e = failure(connect(nio, Endpoint.vsock(3, 9443), Duration.ofSeconds(1),
            new ByteCollector()), ConnectFailure.NOT_SUPPORTED);
        assertThat(e.code()).isEqualTo(AgentException.Code.NOT_SUPPORTED);
        assertThat(e.getMessage()).contains("vsock://3:9443").contains("epoll");
      });
    } finally {
      TestSupport.close(nio);
    }
  }

  @Test
  void theOwnCidWithoutALoopbackTransportIsNotSupported() throws Exception {
    assumeVsock();
    Assumptions.assumeFalse(VsockProbe.hasLoopback(),
        "the vsock loopback transport is loaded, so the own CID is reachable here");
    Assumptions.assumeFalse(Files.exists(Path.of("/dev/vhost-vsock")),
        "this machine is a vsock host (/dev/vhost-vsock): ENODEV means a stopped VM there");
    OptionalLong own = VsockProbe.ownCid();
    Assumptions.assumeTrue(own.isPresent(), "this machine has no guest CID of its own");
    Endpoint endpoint = Endpoint.vsock(own.getAsLong(), 9443);
    ByteCollector collector = new ByteCollector();
    TestSupport.assertNoDescriptorLeak(() -> {
      AgentException e = failure(connect(LOOPS.epoll(), endpoint, Duration.ofSeconds(2), collector),
          ConnectFailure.NOT_SUPPORTED);
      assertThat(e.getMessage()).contains(endpoint.uri()).contains("ENODEV")
          .contains("CID " + own.getAsLong());
    });
    assertThat(collector.events).as("a failed attempt never reaches the pipeline").isEmpty();
  }

  @Test
  void cid1WithoutALoopbackTransportTimesOutAtTheDeadline() throws Exception {
    assumeVsock();
    Assumptions.assumeFalse(VsockProbe.hasLoopback(),
        "the vsock loopback transport is loaded, so CID 1 answers here");
    Endpoint endpoint = Endpoint.vsock(VSockAddress.VMADDR_CID_LOCAL, 9443);
    TestSupport.assertNoDescriptorLeak(() -> {
      long started = System.nanoTime();
      AgentException e = failure(connect(LOOPS.epoll(), endpoint, Duration.ofMillis(500),
          new ByteCollector()), ConnectFailure.TIMEOUT);
      long elapsed = Duration.ofNanos(System.nanoTime() - started).toMillis();
      assertThat(elapsed).as("ended by the 500 ms deadline, not the kernel's ~2 s")
          .isBetween(450L, 1500L);
      assertThat(e.getMessage()).contains("vsock://1:9443").contains("deadline");
    });
  }

  @Test
  void anExpiredDeadlineIsTimeoutWithoutASocket() throws Exception {
    TestSupport.assertNoDescriptorLeak(() -> failure(connect(LOOPS.epoll(), Endpoint.vsock(3, 1),
        Duration.ZERO, new ByteCollector()), ConnectFailure.TIMEOUT));
  }

  @Test
  void echoesThroughARealVsockPeerWhereOneCanRun() throws Exception {
    assumeVsock();
    Assumptions.assumeTrue(VsockProbe.hasLoopback(), "no vsock loopback transport here (binding"
        + " CID 1 fails with EADDRNOTAVAIL), so no vsock peer can run on this machine");
    LinuxSocket server = LinuxSocket.newVSockStream();
    try {
      server.bindVSock(new VSockAddress(VSockAddress.VMADDR_CID_LOCAL,
          VSockAddress.VMADDR_PORT_ANY));
      server.listen(4);
      int port = server.localVSockAddress().getPort();
      ByteCollector collector = new ByteCollector();
      CompletableFuture<Channel> client = connect(LOOPS.epoll(),
          Endpoint.vsock(VSockAddress.VMADDR_CID_LOCAL, port), Duration.ofSeconds(5), collector);
      int fd = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
          .until(() -> server.accept(new byte[26]), accepted -> accepted >= 0);
      VsockChannel peer = new VsockChannel(fd);
      peer.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ctx.writeAndFlush(msg); // echo
        }
      });
      LOOPS.epoll().group().register(peer).sync();
      Channel channel = client.get(5, TimeUnit.SECONDS);
      assertThat(channel.remoteAddress()).isEqualTo(
          new VSockAddress(VSockAddress.VMADDR_CID_LOCAL, port));
      ByteBuf ping = Unpooled.copiedBuffer("ping over vsock", StandardCharsets.US_ASCII);
      channel.writeAndFlush(ping);
      await().atMost(Duration.ofSeconds(5)).until(() -> collector.size() == 15);
      channel.close().sync();
      peer.close().sync();
    } finally {
      server.close();
    }
  }

  @Test
  void refusesEndpointsOfOtherSchemes() {
    AgentException e = AgentException.from(org.assertj.core.api.Assertions.catchThrowable(
        () -> connect(LOOPS.epoll(), Endpoint.unix(Path.of("/x.sock")), Duration.ofSeconds(1),
            new ByteCollector()).join()));
    assertThat(e.code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT);
  }

  @Test
  void bothTransportsAreFoundByServiceLoader() {
    Transports transports = Transports.load();
    assertThat(transports.schemes()).contains("vsock", "hvsock");
    assertThat(transports.transportFor(Endpoint.vsock(3, 1))).isInstanceOf(VsockTransport.class);
    assertThat(transports.transportFor(Endpoint.hybridVsock(Path.of("/v"), 1)))
        .isInstanceOf(HybridVsockTransport.class);
  }
}
