package io.quantix.agent.transport.virtio;

import io.quantix.agent.transport.testing.ByteCollector;
import io.quantix.agent.transport.testing.TestLoops;
import io.quantix.agent.transport.testing.TestSupport;
import io.quantix.agent.transport.testing.UnixServer;
import static io.quantix.agent.transport.testing.TestSupport.assertNoDescriptorLeak;
import static io.quantix.agent.transport.testing.TestSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.TransportOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The unix transport against real sockets, on LOOPS.epoll() and on NIO event loops. */
class VirtioSerialTransportTest {
  @RegisterExtension
  static final TestLoops LOOPS = TestLoops.epollAndNio();
  private final VirtioSerialTransport transport = new VirtioSerialTransport();

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @TempDir Path dir;

  private <T extends AutoCloseable> T closeLater(T resource) {
    closeables.add(resource);
    return resource;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  static Stream<Arguments> loopKinds() {
    return Stream.of(Arguments.of("epoll"), Arguments.of("nio"));
  }

  private static EventLoops loops(String kind) {
    return LOOPS.of(kind);
  }

  private CompletableFuture<Channel> connect(String kind, Path path, Duration timeout,
      ByteCollector collector, TransportOptions options) {
    return transport.connect(Endpoint.unix(path), new ConnectRequest(loops(kind),
        Deadline.after(timeout), collector, options));
  }

  private CompletableFuture<Channel> connect(String kind, Path path) {
    return connect(kind, path, Duration.ofSeconds(5), new ByteCollector(), TransportOptions.DEFAULT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void carriesBytesBothWaysAndInstallsThePipelineBeforeActive(String kind) throws Exception {
    Path sock = dir.resolve("agent.sock");
    CompletableFuture<String> received = new CompletableFuture<>();
    closeLater(UnixServer.serving(sock, client -> {
      client.write(ByteBuffer.wrap("guest-hello".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer in = ByteBuffer.allocate(10);
      while (in.hasRemaining() && client.read(in) >= 0) {
        // read the host's greeting
      }
      received.complete(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
    }));
    ByteCollector collector = new ByteCollector();
    List<String> eventsAtCompletion = new ArrayList<>();
    CompletableFuture<Channel> future = connect(kind, sock, Duration.ofSeconds(5), collector,
        TransportOptions.DEFAULT);
    Channel channel = future.whenComplete((ch, e) -> eventsAtCompletion.addAll(collector.events))
        .get(5, TimeUnit.SECONDS);
    assertThat(eventsAtCompletion).as("channelActive reached the pipeline before the future")
        .containsExactly("active");
    assertThat(channel.isActive()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> collector.size() == 11);
    assertThat(new String(collector.bytes(), StandardCharsets.US_ASCII)).isEqualTo("guest-hello");
    channel.writeAndFlush(Unpooled.copiedBuffer("host-hello", StandardCharsets.US_ASCII));
    assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("host-hello");
    channel.close().sync();
    await().atMost(Duration.ofSeconds(5)).until(() -> collector.events.size() == 2);
    assertThat(collector.events).containsExactly("active", "inactive");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void missingSocketFileIsNoChannel(String kind) throws Exception {
    Path missing = dir.resolve("vm-gone.agent.sock");
    assertNoDescriptorLeak(() -> {
      AgentException e = failure(connect(kind, missing), ConnectFailure.NO_CHANNEL);
      assertThat(e.getMessage()).contains("unix:" + missing).contains("does not exist");
      assertThat(e.endpoint()).hasValue("unix:" + missing);
      assertThat(e.isRetryable()).isTrue();
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void regularFileOrDirectoryIsNoChannel(String kind) throws Exception {
    Path file = Files.writeString(dir.resolve("not-a.sock"), "x");
    Path directory = Files.createDirectory(dir.resolve("dir.sock"));
    assertNoDescriptorLeak(() -> {
      assertThat(failure(connect(kind, file), ConnectFailure.NO_CHANNEL).getMessage())
          .contains("unix:" + file).contains("is a regular file, not a socket");
      assertThat(failure(connect(kind, directory), ConnectFailure.NO_CHANNEL).getMessage())
          .contains("is a directory, not a socket");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void staleSocketIsVmNotRunning(String kind) throws Exception {
    Path stale = TestSupport.staleSocket(dir);
    assertNoDescriptorLeak(() -> {
      AgentException e = failure(connect(kind, stale), ConnectFailure.VM_NOT_RUNNING);
      assertThat(e.getMessage()).contains("unix:" + stale).contains("ECONNREFUSED");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void fullListenBacklogIsChannelBusy(String kind) throws Exception {
    Path sock = dir.resolve("busy.sock");
    List<Channel> queued = new ArrayList<>();
    closeLater(UnixServer.neverAccepting(sock, 1));
    try {
      AgentException busy = null;
      for (int i = 0; i < 10 && busy == null; i++) {
        CompletableFuture<Channel> attempt = connect(kind, sock);
        try {
          queued.add(attempt.get(5, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          busy = AgentException.from(e);
        }
      }
      assertThat(busy).as("a connect fails once the backlog is full").isNotNull();
      assertThat(busy.connectFailure()).isEqualTo(ConnectFailure.CHANNEL_BUSY);
      assertThat(busy.getMessage()).contains("unix:" + sock).contains("backlog is full");
      assertThat(queued).as("connects queued in the backlog before it filled").isNotEmpty();
      long before = TestSupport.openFds();
      failure(connect(kind, sock), ConnectFailure.CHANNEL_BUSY);
      TestSupport.awaitFds(before);
    } finally {
      for (Channel c : queued) {
        c.close().sync();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void expiredDeadlineIsTimeoutWithoutOpeningAnything(String kind) throws Exception {
    Path stale = TestSupport.staleSocket(dir);
    assertNoDescriptorLeak(() -> {
      AgentException e = failure(connect(kind, stale, Duration.ZERO, new ByteCollector(),
          TransportOptions.DEFAULT), ConnectFailure.TIMEOUT);
      assertThat(e.getMessage()).contains("unix:" + stale).contains("deadline");
    });
  }

  @Test
  void aDeadlineThatPassesWhileTheEventLoopIsBusyIsTimeout() throws Exception {
    Path sock = dir.resolve("live.sock");
    closeLater(UnixServer.serving(sock, UnixServer::drainAndClose));
    EventLoops single = EventLoops.create(1);
    try {
      assertNoDescriptorLeak(() -> {
        CountDownLatch release = new CountDownLatch(1);
        single.group().execute(() -> {
          try {
            release.await(); // the event loop is busy until the deadline has passed
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        Deadline deadline = Deadline.after(Duration.ofMillis(200));
        CompletableFuture<Channel> attempt = transport.connect(Endpoint.unix(sock),
            new ConnectRequest(single, deadline, new ByteCollector(), TransportOptions.DEFAULT));
        await().atMost(Duration.ofSeconds(5)).until(deadline::isExpired);
        release.countDown();
        AgentException e = failure(attempt, ConnectFailure.TIMEOUT);
        assertThat(e.getMessage()).contains("unix:" + sock).contains("deadline");
      });
    } finally {
      TestSupport.close(single);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void peerWithAnotherUidIsHandshakeFailed(String kind) throws Exception {
    Path sock = dir.resolve("peer.sock");
    int me = TestSupport.uid();
    int other = me + 4242;
    closeLater(UnixServer.serving(sock, UnixServer::drainAndClose));
    ByteCollector collector = new ByteCollector();
    assertNoDescriptorLeak(() -> {
      AgentException e = failure(connect(kind, sock, Duration.ofSeconds(5), collector,
          TransportOptions.builder().expectedPeerUid(other).build()),
          ConnectFailure.HANDSHAKE_FAILED);
      assertThat(e.getMessage()).contains("unix:" + sock).contains("expected uid " + other);
      assertThat(e.getMessage()).contains(kind.equals("epoll") ? "uid " + me : "user '");
    });
    assertThat(collector.events).as("a rejected channel never reaches the pipeline").isEmpty();
    Channel ok = connect(kind, sock, Duration.ofSeconds(5), new ByteCollector(),
        TransportOptions.builder().expectedPeerUid(me).build()).get(5, TimeUnit.SECONDS);
    assertThat(ok.isActive()).isTrue();
    ok.close().sync();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void cancelledAttemptsLeaveNothingOpen(String kind) throws Exception {
    Path sock = dir.resolve("cancel.sock");
    closeLater(UnixServer.serving(sock, UnixServer::drainAndClose));
    assertNoDescriptorLeak(() -> {
      for (int i = 0; i < 20; i++) {
        CompletableFuture<Channel> attempt = connect(kind, sock);
        if (!attempt.cancel(true)) {
          attempt.join().close();
        }
      }
    });
  }

  @Test
  void refusesEndpointsOfOtherSchemes() {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> transport.connect(
        Endpoint.vsock(3, 9443), new ConnectRequest(LOOPS.epoll(), Deadline.after(Duration.ofSeconds(1)),
            new ByteCollector(), TransportOptions.DEFAULT)).join());
    assertThat(AgentException.from(t).code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT);
  }

  @Test
  void servesTheUnixScheme() {
    assertThat(transport.schemes()).containsExactly("unix");
  }
}
