package io.quantix.agent.transport.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.transport.EventLoops;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/** Shared helpers of the transport tests. */
public final class TestSupport {
  private TestSupport() {}

  /** Open descriptors of this JVM. */
  public static long openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the descriptor count is back to {@code baseline} (closing is asynchronous). */
  public static void awaitFds(long baseline) {
    Awaitility.await("descriptors back to " + baseline).atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20)).until(() -> openFds() <= baseline);
  }

  /** Epoll event loops (the default on Linux). */
  public static EventLoops epoll() {
    EventLoops loops = EventLoops.create(1);
    assertThat(loops.isEpoll()).as("native epoll on the test classpath").isTrue();
    return loops;
  }

  /** NIO event loops, as on a platform without epoll. */
  public static EventLoops nio() {
    return EventLoops.wrap(new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()));
  }

  /** Shuts down a loops instance, including a wrapped group. */
  public static void close(EventLoops loops) {
    loops.close();
    loops.group().shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** The AgentException a failed future carries, asserting its classification. */
  public static AgentException failure(CompletableFuture<?> future, ConnectFailure expected) {
    Throwable t = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
    assertThat(t).as("the attempt fails").isNotNull();
    AgentException e = AgentException.from(t);
    assertThat(e.connectFailure()).as("classification of: %s", e.getMessage()).isEqualTo(expected);
    return e;
  }

  /** A socket file nobody listens on: QEMU exited and left it behind. */
  public static Path staleSocket(Path dir) throws IOException {
    Path path = dir.resolve("stale.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
    }
    return path;
  }

  /**
   * Runs {@code attempt} once to warm up (class loading opens jar files), then three more times,
   * and asserts the descriptor count comes back to where it was after the warm-up.
   */
  public static void assertNoDescriptorLeak(ThrowingRunnable attempt) throws Exception {
    attempt.run();
    long baseline = openFds();
    for (int i = 0; i < 3; i++) {
      attempt.run();
    }
    awaitFds(baseline);
  }

  /** A runnable that may throw. */
  public interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** This process's uid. */
  public static int uid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }
}
