package io.quantix.agent.transport.virtio;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * socat standing in for QEMU's virtio-serial chardev: a PTY is the guest's port, a single-client
 * Unix socket is what the host connects to.
 *
 * <pre>
 * socat -d -t0 PTY,link=DIR/vport0,rawer,unlink-close=0 UNIX-LISTEN:DIR/agent.sock,fork,max-children=1
 * </pre>
 */
final class Socat implements AutoCloseable {
  final Path socket;
  final Path port;
  private final Process process;
  private FileOutputStream guestOut;
  private FileInputStream guestIn;

  private Socat(Path socket, Path port, Process process) {
    this.socket = socket;
    this.port = port;
    this.process = process;
  }

  /** The socat executable on the PATH, if installed. */
  static Optional<Path> executable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "socat");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Starts socat in {@code dir} and waits until both the socket and the PTY link exist. */
  static Socat start(Path dir) throws IOException {
    Path socket = dir.resolve("agent.sock");
    Path port = dir.resolve("vport0");
    Process process = new ProcessBuilder(executable().orElseThrow().toString(), "-d", "-t0",
        "PTY,link=" + port + ",rawer,unlink-close=0",
        "UNIX-LISTEN:" + socket + ",fork,max-children=1")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("socat.log").toFile())
        .start();
    Socat socat = new Socat(socket, port, process);
    try {
      await("socat's socket and PTY link").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> Files.exists(socket) && Files.exists(port) || !process.isAlive());
      if (!process.isAlive()) {
        throw new IOException("socat exited with " + process.exitValue() + ": "
            + Files.readString(dir.resolve("socat.log")));
      }
    } catch (RuntimeException | IOException e) {
      socat.close();
      throw e;
    }
    return socat;
  }

  /** The pids of socat's forked children: one per host client it has accepted and still serves. */
  java.util.Set<Long> children() {
    return process.children().map(ProcessHandle::pid)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** The guest's writing end of the port (opened once, kept open: closing the PTY ends socat's session). */
  synchronized FileOutputStream guestOut() throws IOException {
    if (guestOut == null) {
      guestOut = new FileOutputStream(port.toFile());
    }
    return guestOut;
  }

  /** The guest's reading end of the port. */
  synchronized FileInputStream guestIn() throws IOException {
    if (guestIn == null) {
      guestIn = new FileInputStream(port.toFile());
    }
    return guestIn;
  }

  /** Stops socat and any child it forked; closes the guest's port. */
  @Override
  public synchronized void close() throws IOException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (guestOut != null) {
      guestOut.close();
    }
    if (guestIn != null) {
      guestIn.close();
    }
    Files.deleteIfExists(port); // unlink-close=0 leaves the PTY link behind
  }
}
