package io.quantix.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A registry garbage-collected unclosed says where it was created, and closes itself. */
class RegistryLeakTest {
  private final List<Throwable> reports = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    AgentRegistry.leakObserver = null;
  }

  private static boolean createdBy(Throwable stack, String method) {
    return Arrays.stream(stack.getStackTrace()).anyMatch(f -> f.getMethodName().equals(method));
  }

  /** Builds a registry with a live reconnect loop and lets go of it. */
  private static void abandonARegistry() {
    AgentRegistry registry = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm",
            List.of(Endpoint.unix(Path.of("/nonexistent/quantix/vm.agent.sock"))))))
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(40))
        .build();
    registry.client("vm");
  }

  private static void closeARegistry() {
    AgentRegistry.builder().build().close();
  }

  @Test
  void anAbandonedRegistryLogsItsCreationStackAndStopsItsThreads() {
    AgentRegistry.leakObserver = (message, createdAt) -> {
      assertThat(message).contains("without being closed");
      reports.add(createdAt);
    };
    closeARegistry();
    abandonARegistry();

    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          System.gc();
          return reports.stream().anyMatch(t -> createdBy(t, "abandonARegistry"));
        });
    assertThat(reports).noneMatch(t -> createdBy(t, "closeARegistry"));
    // The reaper closed what the abandoned registry owned, and with no registry left, ended too.
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sdkThreads().isEmpty());
  }

  @Test
  void closingTheLastRegistryEndsTheWatchingThreadAtOnce() {
    AgentRegistry first = AgentRegistry.builder().build();
    AgentRegistry second = AgentRegistry.builder().build();
    assertThat(sdkThreads()).contains(LeakReaper.THREAD_NAME);
    first.close();
    assertThat(sdkThreads()).contains(LeakReaper.THREAD_NAME);
    second.close();
    assertThat(sdkThreads()).doesNotContain(LeakReaper.THREAD_NAME);
    second.close();
    AgentRegistry third = AgentRegistry.builder().build();
    assertThat(sdkThreads()).contains(LeakReaper.THREAD_NAME);
    third.close();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sdkThreads().isEmpty());
    assertThat(reports).isEmpty();
  }

  private static List<String> sdkThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).filter(n -> n.startsWith("quantix-agent-")).toList();
  }
}
