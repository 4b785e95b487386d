package io.quantix.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandler;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Auto-fallback over real Unix sockets, with scripted transports for the timing cases. */
class TransportsTest {
  private static EventLoops loops;
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private final TinyUnixTransport unix = new TinyUnixTransport();

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    loops = EventLoops.create(1);
  }

  @AfterAll
  static void stop() {
    loops.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @ChannelHandler.Sharable
  private static final class Nothing extends ChannelInboundHandlerAdapter {}

  private static ConnectRequest request(Duration timeout) {
    return new ConnectRequest(loops, Deadline.after(timeout), new Nothing(), TransportOptions.DEFAULT);
  }

  /** A listening socket that accepts and keeps clients; {@code accepted} counts them. */
  private Endpoint.Unix live(String name, List<SocketChannel> accepted) throws IOException {
    Path path = dir.resolve(name);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Thread t = new Thread(() -> {
      try {
        while (true) {
          accepted.add(server.accept());
        }
      } catch (IOException closed) {
        // server closed
      }
    });
    t.setDaemon(true);
    t.start();
    closeables.add(() -> {
      server.close();
      for (SocketChannel c : accepted) {
        c.close();
      }
    });
    return Endpoint.unix(path);
  }

  private Endpoint.Unix stale() throws IOException {
    Path path = dir.resolve("stale.sock");
    if (java.nio.file.Files.exists(path)) {
      return Endpoint.unix(path);
    }
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(path));
    }
    return Endpoint.unix(path);
  }

  private Endpoint.Unix missing() {
    return Endpoint.unix(dir.resolve("missing.sock"));
  }

  private static AgentException failureOf(CompletableFuture<?> f) {
    return AgentException.from(catchThrowable(() -> f.get(10, TimeUnit.SECONDS)));
  }

  @Test
  void theFirstEndpointThatConnectsWinsInOrderAndTheFailuresAreRecorded() throws Exception {
    List<SocketChannel> a = new CopyOnWriteArrayList<>();
    List<SocketChannel> b = new CopyOnWriteArrayList<>();
    Endpoint.Unix liveA = live("a.sock", a);
    Endpoint.Unix liveB = live("b.sock", b);
    Connection c = Transports.of(List.of(unix)).connect(
        List.of(missing(), stale(), liveA, liveB), request(Duration.ofSeconds(5)))
        .get(5, TimeUnit.SECONDS);
    assertThat(c.endpoint()).isEqualTo(liveA);
    assertThat(c.failedAttempts()).extracting(Connection.Attempt::endpoint)
        .containsExactly(missing(), stale());
    assertThat(c.failedAttempts()).extracting(x -> x.failure().connectFailure())
        .containsExactly(ConnectFailure.NO_CHANNEL, ConnectFailure.VM_NOT_RUNNING);
    await().until(() -> a.size() == 1);
    assertThat(b).as("later endpoints are not tried").isEmpty();
    c.channel().close().sync();
  }

  @Test
  void aSchemeWithoutTransportIsNotSupportedAndMovesOnAtOnce() throws Exception {
    Endpoint.Unix live = live("a.sock", new CopyOnWriteArrayList<>());
    long started = System.nanoTime();
    Connection c = Transports.of(List.of(unix)).connect(
        List.of(Endpoint.vsock(3, 9443), live), request(Duration.ofSeconds(5)))
        .get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    AgentException first = c.failedAttempts().get(0).failure();
    assertThat(first.connectFailure()).isEqualTo(ConnectFailure.NOT_SUPPORTED);
    assertThat(first.code()).isEqualTo(AgentException.Code.NOT_SUPPORTED);
    assertThat(first.getMessage()).contains("vsock://3:9443").contains("quantix-agent-transport-vsock");
    c.channel().close().sync();
  }

  @Test
  void instantFailuresLeaveTheRestOfTheDeadlineToTheNextAttempts() throws Exception {
    Endpoint.Unix live = live("a.sock", new CopyOnWriteArrayList<>());
    ScriptedTransport recorder = new ScriptedTransport("unix", unix::connect);
    Connection c = Transports.of(List.of(recorder)).connect(
        List.of(missing(), missing(), live), request(Duration.ofSeconds(3)))
        .get(5, TimeUnit.SECONDS);
    assertThat(recorder.calls).extracting(call -> call.share().toMillis())
        .satisfiesExactly(
            first -> assertThat(first).isBetween(800L, 1000L),
            second -> assertThat(second).isBetween(1300L, 1500L),
            third -> assertThat(third).isBetween(2700L, 3000L));
    c.channel().close().sync();
  }

  @Test
  void aSlowAttemptUsesOnlyItsShare() throws Exception {
    Endpoint.Unix live = live("a.sock", new CopyOnWriteArrayList<>());
    // hvsock here: an attempt that honours its deadline and times out exactly at it.
    ScriptedTransport slow = new ScriptedTransport("hvsock", (e, r) -> {
      CompletableFuture<Channel> f = new CompletableFuture<>();
      r.eventLoops().group().schedule(() -> f.completeExceptionally(AgentException.connectFailed(
          ConnectFailure.TIMEOUT, e.uri(), "slow", null)),
          r.deadline().remaining(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS);
      return f;
    });
    long started = System.nanoTime();
    Connection c = Transports.of(List.of(slow, unix)).connect(
        List.of(Endpoint.hybridVsock(Path.of("/a"), 1), Endpoint.hybridVsock(Path.of("/b"), 1),
            live), request(Duration.ofMillis(1500)))
        .get(5, TimeUnit.SECONDS);
    long elapsed = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertThat(slow.calls).extracting(call -> call.share().toMillis())
        .allSatisfy(share -> assertThat(share).isBetween(400L, 500L));
    assertThat(elapsed).isBetween(900L, 1400L);
    assertThat(c.endpoint()).isEqualTo(live);
    assertThat(c.failedAttempts()).extracting(x -> x.failure().connectFailure())
        .containsExactly(ConnectFailure.TIMEOUT, ConnectFailure.TIMEOUT);
    c.channel().close().sync();
  }

  @Test
  void totalFailureCarriesEveryCauseUnderTheMostTellingClassification() throws Exception {
    CompletableFuture<Connection> f = Transports.of(List.of(unix)).connect(
        List.of(Endpoint.vsock(3, 1), missing(), stale()), request(Duration.ofSeconds(5)));
    AgentException total = failureOf(f);
    assertThat(total.connectFailure()).isEqualTo(ConnectFailure.VM_NOT_RUNNING);
    assertThat(total.isRetryable()).isTrue();
    assertThat(total.getMessage()).contains("vsock://3:1").contains(missing().uri())
        .contains(stale().uri());
    assertThat(total.getCause()).isInstanceOf(AgentException.class);
    assertThat(total.getSuppressed()).extracting(s -> ((AgentException) s).connectFailure())
        .containsExactly(ConnectFailure.NOT_SUPPORTED, ConnectFailure.NO_CHANNEL);
  }

  @Test
  void unclassifiedFailuresAreNotReportedAsAMissingChannel() {
    ScriptedTransport broken = new ScriptedTransport("vsock", (e, r) -> {
      throw new IllegalStateException("broken transport for " + e);
    });
    AgentException total = failureOf(Transports.of(List.of(broken)).connect(
        List.of(Endpoint.vsock(3, 1), Endpoint.vsock(4, 1)), request(Duration.ofSeconds(5))));
    assertThat(total.connectFailure()).isNull();
    assertThat(total.code()).isEqualTo(AgentException.Code.UNAVAILABLE);
    assertThat(total.getMessage()).contains("vsock://3:1").contains("vsock://4:1");
  }

  @Test
  void aTransportThatOverrunsItsShareIsCutOffAndTheNextEndpointIsTried() throws Exception {
    Endpoint.Unix live = live("a.sock", new CopyOnWriteArrayList<>());
    ScriptedTransport hanging = new ScriptedTransport("vsock", (e, r) -> new CompletableFuture<>());
    long started = System.nanoTime();
    Connection c = Transports.of(List.of(hanging, unix)).connect(
        List.of(Endpoint.vsock(3, 1), live), request(Duration.ofMillis(600)))
        .get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(600));
    AgentException cut = c.failedAttempts().get(0).failure();
    assertThat(cut.connectFailure()).isEqualTo(ConnectFailure.TIMEOUT);
    assertThat(cut.getMessage()).contains("vsock://3:1").contains("did not finish");
    assertThat(hanging.calls.get(0).future()).as("the overrunning attempt was told to stop")
        .isCompletedExceptionally();
    c.channel().close().sync();
  }

  @Test
  void cancellingTheConnectAbandonsTheAttemptInFlight() {
    ScriptedTransport hanging = new ScriptedTransport("vsock", (e, r) -> new CompletableFuture<>());
    CompletableFuture<Connection> f = Transports.of(List.of(hanging)).connect(
        List.of(Endpoint.vsock(3, 1), Endpoint.vsock(4, 1)), request(Duration.ofSeconds(30)));
    await().until(() -> hanging.calls.size() == 1);
    f.cancel(true);
    assertThat(hanging.calls.get(0).future()).isCancelled();
    assertThat(hanging.calls).as("no further endpoint is tried").hasSize(1);
  }

  @Test
  void transportsThatReturnNoFutureOrNoChannelAreFailuresNotHangs() throws Exception {
    Endpoint.Unix live = live("a.sock", new CopyOnWriteArrayList<>());
    ScriptedTransport nothing = new ScriptedTransport("vsock", (e, r) -> null);
    ScriptedTransport nullChannel = new ScriptedTransport("hvsock",
        (e, r) -> CompletableFuture.completedFuture(null));
    Connection c = Transports.of(List.of(nothing, nullChannel, unix)).connect(
        List.of(Endpoint.vsock(3, 1), Endpoint.hybridVsock(Path.of("/h"), 1), live),
        request(Duration.ofSeconds(5))).get(5, TimeUnit.SECONDS);
    assertThat(c.failedAttempts()).extracting(x -> x.failure().getMessage())
        .satisfiesExactly(m -> assertThat(m).contains("vsock://3:1").contains("no future"),
            m -> assertThat(m).contains("hvsock:/h").contains("without a channel"));
    c.channel().close().sync();
  }

  @Test
  void anExpiredDeadlineTriesNothing() {
    ScriptedTransport recorder = new ScriptedTransport("vsock", (e, r) -> new CompletableFuture<>());
    AgentException e = failureOf(Transports.of(List.of(recorder)).connect(
        List.of(Endpoint.vsock(3, 1)), request(Duration.ZERO)));
    assertThat(e.connectFailure()).isEqualTo(ConnectFailure.TIMEOUT);
    assertThat(e.getMessage()).contains("vsock://3:1");
    assertThat(recorder.calls).isEmpty();
  }

  @Test
  void anEmptyListIsAnInvalidArgument() {
    assertThat(failureOf(Transports.of(List.of(unix)).connect(List.of(),
        request(Duration.ofSeconds(1)))).code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT);
  }

  @Test
  void aLaterTransportWinsASchemeClaimedTwice() {
    ScriptedTransport other = new ScriptedTransport("unix", (e, r) -> new CompletableFuture<>());
    Transports t = Transports.of(List.of(unix, other));
    assertThat(t.transportFor(missing())).isSameAs(other);
    assertThat(t.schemes()).containsExactly("unix");
    AgentException none = failureOf(CompletableFuture.supplyAsync(
        () -> t.transportFor(Endpoint.hybridVsock(Path.of("/h"), 1))));
    assertThat(none.connectFailure()).isEqualTo(ConnectFailure.NOT_SUPPORTED);
  }
}
