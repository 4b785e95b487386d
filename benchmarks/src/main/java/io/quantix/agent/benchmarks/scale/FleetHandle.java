package io.quantix.agent.benchmarks.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The scale benchmark's handle on one {@link FleetProcess} child JVM serving simulated VMs: starts
 * it, waits for its {@code READY} line, and stops it by closing its standard input. The VMs live in
 * child JVMs so that the benchmark's own process holds only the SDK's side, and each child stays
 * under the per-process open-file limit.
 */
final class FleetHandle {
  private final Process process;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final int count;

  private FleetHandle(Process process, int count) {
    this.process = process;
    this.count = count;
  }

  /**
   * Starts a child serving VMs {@code first} to {@code first + count - 1} in {@code dir}, on the
   * current {@code java} and class path; its output is echoed with its pid.
   */
  static FleetHandle start(Path dir, int first, int count, Duration telemetry) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-Xmx1g", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        FleetProcess.class.getName(), dir.toString(), String.valueOf(first),
        String.valueOf(count), String.valueOf(telemetry.toMillis()));
    Process process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    FleetHandle fleet = new FleetHandle(process, count);
    Thread reader = new Thread(fleet::readOutput, "fleet-output-" + first);
    reader.setDaemon(true);
    reader.start();
    return fleet;
  }

  private void readOutput() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("READY")) {
          ready.countDown();
        } else {
          System.out.println("  [fleet pid " + process.pid() + "] " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until every socket of the child listens; fails with the child's exit code if it died. */
  void awaitReady(Duration timeout) throws InterruptedException {
    if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("fleet of " + count + " VMs (pid " + process.pid()
          + ") not ready in " + timeout + (process.isAlive() ? "" : ", exit "
          + process.exitValue()));
    }
  }

  /** Closes the child's standard input (its signal to stop), then kills it if it lingers. */
  void stop() throws IOException, InterruptedException {
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
