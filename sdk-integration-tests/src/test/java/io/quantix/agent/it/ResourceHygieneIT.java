package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.UploadOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** After a registry and its agent close, no SDK thread and no file descriptor is left behind. */
class ResourceHygieneIT {

  static long sdkThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("quantix-agent-"))
        .count();
  }

  static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  void closingTheRegistryLeavesNoThreadsOrFileDescriptors() throws Exception {
    // Warm up class loading and Netty's native library so they do not count as leaks.
    try (Harness warm = new Harness()) {
      warm.client.ping().join();
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sdkThreads() == 0);
    long fdsBefore = openFds();

    try (Harness h = new Harness()) {
      for (int i = 0; i < 20; i++) {
        h.client.ping().join();
      }
      h.client.exec(Exec.shell("echo hi")).join();
      h.client.upload(new byte[300_000], "/x", UploadOptions.DEFAULT).join();
      h.client.download("/x", new ByteArrayOutputStream(), DownloadOptions.DEFAULT).join();
      h.agent.dropConnections();
      Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> h.client.ping().join() != null);
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sdkThreads() == 0);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> openFds() <= fdsBefore);
  }
}
