package io.quantix.agent.transport.vsock;

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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hybrid vsock transport against a Unix-socket server that plays the VMM's side of the
 * {@code CONNECT <port>} handshake, on LOOPS.epoll() and NIO event loops.
 */
class HybridVsockTransportTest {
  @RegisterExtension
  static final TestLoops LOOPS = TestLoops.epollAndNio();
  private final HybridVsockTransport transport = new HybridVsockTransport();
  private final List<UnixServer> servers = new ArrayList<>();
  /** Request lines the fake VMM received. */
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void closeServers() throws IOException {
    for (UnixServer s : servers) {
      s.close();
    }
  }

  static Stream<String> loopKinds() {
    return Stream.of("epoll", "nio");
  }

  private static EventLoops loops(String kind) {
    return LOOPS.of(kind);
  }

  /** A fake VMM: reads the request line, records it, then runs {@code answer}. */
  private Path vmm(UnixServer.Script answer) throws IOException {
    Path path = dir.resolve("v.sock");
    servers.add(UnixServer.serving(path, client -> {
      StringBuilder line = new StringBuilder();
      ByteBuffer one = ByteBuffer.allocate(1);
      while (client.read(one) > 0) {
        char c = (char) one.get(0);
        one.clear();
        if (c == '\n') {
          break;
        }
        line.append(c);
      }
      requests.add(line.toString());
      answer.run(client);
    }));
    return path;
  }

  private static void send(SocketChannel client, String text) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    while (out.hasRemaining()) {
      client.write(out);
    }
  }

  private CompletableFuture<Channel> connect(String kind, Path path, int port, Duration timeout,
      ByteCollector collector, TransportOptions options) {
    return transport.connect(Endpoint.hybridVsock(path, port), new ConnectRequest(loops(kind),
        Deadline.after(timeout), collector, options));
  }

  private CompletableFuture<Channel> connect(String kind, Path path) {
    return connect(kind, path, 9443, Duration.ofSeconds(5), new ByteCollector(),
        TransportOptions.DEFAULT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void bytesAfterOkInTheSameWriteReachThePipeline(String kind) throws Exception {
    CompletableFuture<String> fromHost = new CompletableFuture<>();
    Path path = vmm(client -> {
      send(client, "OK 1073741824\nAGENT-READY");
      ByteBuffer in = ByteBuffer.allocate(4);
      while (in.hasRemaining() && client.read(in) >= 0) {
        // the host's first bytes after the handshake
      }
      fromHost.complete(new String(in.array(), StandardCharsets.US_ASCII));
      UnixServer.drainAndClose(client);
    });
    ByteCollector collector = new ByteCollector();
    List<String> eventsAtCompletion = new ArrayList<>();
    Channel channel = connect(kind, path, 9443, Duration.ofSeconds(5), collector,
        TransportOptions.DEFAULT)
        .whenComplete((ch, e) -> eventsAtCompletion.addAll(collector.events))
        .get(5, TimeUnit.SECONDS);
    assertThat(requests).containsExactly("CONNECT 9443");
    assertThat(eventsAtCompletion).as("channelActive comes after OK, before the future")
        .containsExactly("active");
    await().atMost(Duration.ofSeconds(5)).until(() -> collector.size() == 11);
    assertThat(new String(collector.bytes(), StandardCharsets.US_ASCII)).isEqualTo("AGENT-READY");
    assertThat(channel.pipeline().get("quantix-hvsock-handshake")).as("handshake removed").isNull();
    channel.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
    assertThat(fromHost.get(5, TimeUnit.SECONDS)).isEqualTo("ping");
    channel.close().sync();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void anOkLineArrivingInPiecesWithCrLfIsAccepted(String kind) throws Exception {
    Path path = vmm(client -> {
      for (String piece : new String[] {"O", "K", " 5", "2\r", "\n", "after"}) {
        send(client, piece);
      }
      UnixServer.drainAndClose(client);
    });
    ByteCollector collector = new ByteCollector();
    Channel channel = connect(kind, path, 52, Duration.ofSeconds(5), collector,
        TransportOptions.DEFAULT).get(5, TimeUnit.SECONDS);
    assertThat(requests).containsExactly("CONNECT 52");
    await().atMost(Duration.ofSeconds(5)).until(() -> collector.size() == 5);
    assertThat(new String(collector.bytes(), StandardCharsets.US_ASCII)).isEqualTo("after");
    channel.close().sync();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void highPortsAreSentUnsigned(String kind) throws Exception {
    Path path = vmm(client -> {
      send(client, "OK 1\n");
      UnixServer.drainAndClose(client);
    });
    Channel channel = connect(kind, path, (int) 4294967294L, Duration.ofSeconds(5),
        new ByteCollector(), TransportOptions.DEFAULT).get(5, TimeUnit.SECONDS);
    assertThat(requests).containsExactly("CONNECT 4294967294");
    channel.close().sync();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void eofBeforeOkIsAgentNotReady(String kind) throws Exception {
    Path path = vmm(SocketChannel::close);
    ByteCollector collector = new ByteCollector();
    assertNoDescriptorLeak(() -> {
      AgentException e = failure(connect(kind, path, 9443, Duration.ofSeconds(5), collector,
          TransportOptions.DEFAULT), ConnectFailure.AGENT_NOT_READY);
      assertThat(e.getMessage()).contains("hvsock:" + path).contains("CONNECT 9443");
      assertThat(e.isRetryable()).isTrue();
    });
    assertThat(collector.events).as("a failed handshake never reaches the pipeline").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void eofInTheMiddleOfTheAnswerIsAgentNotReadyQuotingIt(String kind) throws Exception {
    Path path = vmm(client -> {
      send(client, "OK 1");
      client.close();
    });
    AgentException e = failure(connect(kind, path), ConnectFailure.AGENT_NOT_READY);
    assertThat(e.getMessage()).contains("after 'OK 1'");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void anyOtherAnswerIsHandshakeFailedQuotingIt(String kind) throws Exception {
    Path path = vmm(client -> {
      send(client, "ERR no listener on port 9443\n");
      UnixServer.drainAndClose(client);
    });
    assertNoDescriptorLeak(() -> {
      AgentException e = failure(connect(kind, path), ConnectFailure.HANDSHAKE_FAILED);
      assertThat(e.getMessage()).contains("hvsock:" + path)
          .contains("got 'ERR no listener on port 9443'");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void anOverlongOrBinaryAnswerIsHandshakeFailed(String kind) throws Exception {
    Path path = vmm(client -> {
      send(client, "\u0001" + "O".repeat(200) + "\n");
      UnixServer.drainAndClose(client);
    });
    AgentException e = failure(connect(kind, path), ConnectFailure.HANDSHAKE_FAILED);
    assertThat(e.getMessage()).contains("within 64 bytes").contains("\\x01OOO");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void aSilentVmmIsTimeoutAtTheDeadline(String kind) throws Exception {
    Path path = vmm(UnixServer::drainAndClose);
    assertNoDescriptorLeak(() -> {
      long started = System.nanoTime();
      AgentException e = failure(connect(kind, path, 9443, Duration.ofMillis(300),
          new ByteCollector(), TransportOptions.DEFAULT), ConnectFailure.TIMEOUT);
      assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis()).isBetween(250L, 2000L);
      assertThat(e.getMessage()).contains("hvsock:" + path).contains("deadline");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void aMissingSocketIsNoChannelAndAStaleOneVmNotRunning(String kind) throws Exception {
    Path missing = dir.resolve("gone.vsock");
    Path stale = TestSupport.staleSocket(dir);
    Path file = Files.writeString(dir.resolve("file.vsock"), "x");
    assertNoDescriptorLeak(() -> {
      assertThat(failure(connect(kind, missing), ConnectFailure.NO_CHANNEL).getMessage())
          .contains("hvsock:" + missing).contains("does not exist");
      assertThat(failure(connect(kind, file), ConnectFailure.NO_CHANNEL).getMessage())
          .contains("not a socket");
      assertThat(failure(connect(kind, stale), ConnectFailure.VM_NOT_RUNNING).getMessage())
          .contains("hvsock:" + stale).contains("ECONNREFUSED");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loopKinds")
  void aPeerWithAnotherUidIsHandshakeFailedBeforeAnythingIsSent(String kind) throws Exception {
    Path path = vmm(client -> {
      send(client, "OK 1\n");
      UnixServer.drainAndClose(client);
    });
    int other = TestSupport.uid() + 4242;
    AgentException e = failure(connect(kind, path, 9443, Duration.ofSeconds(5),
        new ByteCollector(), TransportOptions.builder().expectedPeerUid(other).build()),
        ConnectFailure.HANDSHAKE_FAILED);
    assertThat(e.getMessage()).contains("expected uid " + other);
    await().atMost(Duration.ofSeconds(5)).until(() -> requests.size() == 1);
    assertThat(requests).as("the socket closed without a CONNECT line").containsExactly("");
  }
}
