package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves threads or sockets, pipes and event fds behind: counts live threads
 * (by name, ignoring the JVM's and the test framework's own) and the entries of /proc/self/fd by kind
 * before the class and waits for them to come back after it.
 */
final class ResourceLeakCheck implements BeforeAllCallback, AfterAllCallback {
  private static final List<String> IGNORED_THREADS = List.of("process reaper", "Common-Cleaner", "Attach Listener",
      "Signal Dispatcher", "Finalizer", "Reference Handler", "Notification Thread", "main", "surefire", "junit",
      "JUnit", "awaitility", "ForkJoinPool", "globalEventExecutor", "ObjectCleaner", "Cleaner", "Monitor Ctrl");
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ResourceLeakCheck.class);

  private static boolean warmedUp;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    warmUp();
    context.getStore(NS).put("threads", threads());
    context.getStore(NS).put("fds", fds());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    Set<String> threadsBefore = (Set<String>) context.getStore(NS).get("threads", Set.class);
    @SuppressWarnings("unchecked")
    Map<String, Integer> fdsBefore = (Map<String, Integer>) context.getStore(NS).get("fds", Map.class);
    await("threads and file descriptors back to their starting values").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          Set<String> extra = threads();
          extra.removeAll(threadsBefore);
          assertThat(extra).as("threads started by the tests and still alive").isEmpty();
          Map<String, Integer> now = fds();
          for (Map.Entry<String, Integer> kind : now.entrySet()) {
            assertThat(kind.getValue()).as("open %s descriptors", kind.getKey())
                .isLessThanOrEqualTo(fdsBefore.getOrDefault(kind.getKey(), 0));
          }
        });
  }

  /**
   * Loads what the JVM and Netty keep for their whole life on first use (Netty's native epoll keeps
   * one unbound datagram socket), so that only the tests' own resources are compared.
   */
  private static synchronized void warmUp() throws IOException {
    if (warmedUp) {
      return;
    }
    warmedUp = true;
    for (boolean epoll : new boolean[] {true, false}) {
      try (FakeGuestAgent agent = FakeGuestAgent.builder().nativeTransport(epoll).telemetryInterval(Duration.ZERO)
              .build().start();
          HostConnection host = HostConnection.open(agent)) {
        host.next();
      }
    }
  }

  static Set<String> threads() {
    Set<String> names = new TreeSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      if (thread.isAlive() && IGNORED_THREADS.stream().noneMatch(name::contains)) {
        names.add(name + "#" + thread.getId());
      }
    }
    return names;
  }

  /** Open descriptors by kind: socket, pipe, anon_inode (epoll, eventfd, timerfd). */
  static Map<String, Integer> fds() throws IOException {
    Map<String, Integer> kinds = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path entry : entries) {
        String target;
        try {
          target = Files.readSymbolicLink(entry).toString();
        } catch (IOException gone) {
          continue;
        }
        int colon = target.indexOf(':');
        if (colon > 0 && !target.startsWith("/")) {
          kinds.merge(target.substring(0, colon), 1, Integer::sum);
        }
      }
    }
    return kinds;
  }
}
