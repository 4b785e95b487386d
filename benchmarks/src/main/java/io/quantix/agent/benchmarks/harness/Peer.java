package io.quantix.agent.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A server half in its own JVM: the same {@code java} and class path as this one. It is up once it
 * prints a line starting with {@code ready}; everything it prints goes to a log file.
 */
final class Peer implements AutoCloseable {
  private static final long READY_TIMEOUT_SECONDS = 120;

  private final String name;
  private final Process process;
  private final Path log;
  private final CompletableFuture<String> ready = new CompletableFuture<>();

  private Peer(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** The JVM options every Java peer gets, so that no peer is favoured. */
  static List<String> jvmOptions() {
    List<String> options = new ArrayList<>(List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC"));
    if (Runtime.version().feature() >= 22) {
      options.add("--enable-native-access=ALL-UNNAMED");
    }
    return options;
  }

  /** The {@code java} launcher this JVM runs on. */
  static String javaCommand() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** Starts {@code main} with {@code args} in a new JVM; call {@link #awaitReady()} next. */
  static Peer startJava(String name, Class<?> main, List<String> args, Path logDir)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaCommand());
    command.addAll(jvmOptions());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    Path log = logDir.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Peer peer = new Peer(name, process, log);
    peer.drain();
    return peer;
  }

  private void drain() {
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
          PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8),
              true)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
          if (line.startsWith("ready")) {
            ready.complete(line);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IOException(name + " exited before it was ready (exit "
          + exitText() + "); see " + log));
    }, "peer-log-" + name);
    t.setDaemon(true);
    t.start();
  }

  private String exitText() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "none";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** Waits for the peer's ready line. */
  String awaitReady() throws IOException, InterruptedException {
    try {
      return ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException(name + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(name + " not ready within " + READY_TIMEOUT_SECONDS + " s; see " + log,
          e);
    }
  }

  /** The peer's process id. */
  long pid() {
    return process.pid();
  }

  /** Asks the peer to stop (SIGTERM), and kills it if it has not stopped in 10 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
