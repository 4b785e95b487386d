package io.quantix.agent.transport.virtio;

import io.quantix.agent.transport.testing.ByteCollector;
import io.quantix.agent.transport.testing.TestLoops;
import io.quantix.agent.transport.testing.TestSupport;
import io.quantix.agent.transport.testing.UnixServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.Channel;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import io.quantix.agent.transport.Connection;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.TransportOptions;
import io.quantix.agent.transport.Transports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Auto-fallback end to end: {@link Transports} found by ServiceLoader, real sockets, real failures. */
class FallbackTest {
  @RegisterExtension
  static final TestLoops LOOPS = TestLoops.epollOnly();

  @TempDir Path dir;

  private static ConnectRequest request(Duration timeout) {
    return new ConnectRequest(LOOPS.epoll(), Deadline.after(timeout), new ByteCollector(),
        TransportOptions.DEFAULT);
  }

  @Test
  void serviceLoaderFindsTheUnixTransport() {
    Transports transports = Transports.load();
    assertThat(transports.schemes()).contains("unix");
    assertThat(transports.transportFor(Endpoint.unix(Path.of("/x.sock"))))
        .isInstanceOf(VirtioSerialTransport.class);
  }

  @Test
  void missingAndRefusedChannelsFallThroughToTheOneThatAnswers() throws Exception {
    Path missing = dir.resolve("missing.sock");
    Path stale = TestSupport.staleSocket(dir);
    Path live = dir.resolve("live.sock");
    UnixServer server = UnixServer.serving(live, UnixServer::drainAndClose);
    try {
      long started = System.nanoTime();
      Connection c = Transports.load().connect(List.of(Endpoint.unix(missing),
          Endpoint.unix(stale), Endpoint.unix(live)), request(Duration.ofSeconds(6)))
          .get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("missing and refused move on at once").isLessThan(Duration.ofSeconds(1));
      assertThat(c.endpoint()).isEqualTo(Endpoint.unix(live));
      assertThat(c.failedAttempts()).extracting(a -> a.endpoint())
          .containsExactly(Endpoint.unix(missing), Endpoint.unix(stale));
      assertThat(c.failedAttempts()).extracting(a -> a.failure().connectFailure())
          .containsExactly(ConnectFailure.NO_CHANNEL, ConnectFailure.VM_NOT_RUNNING);
      Channel channel = c.channel();
      assertThat(channel.isActive()).isTrue();
      channel.close().sync();
    } finally {
      server.close();
    }
  }

  @Test
  void totalFailureCarriesEveryCauseAndTheMostTellingClassification() throws Exception {
    Path missing = dir.resolve("missing.sock");
    Path stale = TestSupport.staleSocket(dir);
    long before = TestSupport.openFds();
    Throwable t = catchThrowable(() -> Transports.load().connect(
        List.of(Endpoint.unix(missing), Endpoint.unix(stale)), request(Duration.ofSeconds(5)))
        .get(10, TimeUnit.SECONDS));
    AgentException total = AgentException.from(t);
    assertThat(total.connectFailure()).as("a channel that exists beats one that does not")
        .isEqualTo(ConnectFailure.VM_NOT_RUNNING);
    assertThat(total.getMessage()).contains("unix:" + missing).contains("unix:" + stale);
    assertThat(total.getSuppressed()).hasSize(1);
    assertThat(AgentException.from(total.getSuppressed()[0]).connectFailure())
        .isEqualTo(ConnectFailure.NO_CHANNEL);
    TestSupport.awaitFds(before);
  }
}
