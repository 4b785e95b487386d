package io.quantix.agent.qga;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's qemu-ga on a Unix socket, with the block list of the build notes: it can never freeze,
 * shut down or reconfigure this machine. Killed by {@link #close()}.
 */
final class RealQemuGa implements AutoCloseable {
  static final String BLOCKED = "guest-fsfreeze-freeze,guest-fsfreeze-freeze-list,"
      + "guest-fsfreeze-thaw,guest-fstrim,guest-shutdown,guest-suspend-disk,guest-suspend-ram,"
      + "guest-suspend-hybrid,guest-set-time,guest-set-user-password,guest-set-vcpus,"
      + "guest-set-memory-blocks";

  final Path socket;
  private final Path pidFile;
  private final long pid;

  private RealQemuGa(Path socket, Path pidFile, long pid) {
    this.socket = socket;
    this.pidFile = pidFile;
    this.pid = pid;
  }

  /** The executable, if installed. */
  static Optional<Path> find() {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin",
        "/usr/local/bin")) {
      Path p = Path.of(dir, "qemu-ga");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Starts it as a daemon in {@code dir} and waits for its socket. */
  static RealQemuGa start(Path exe, Path dir) throws IOException, InterruptedException {
    Path socket = dir.resolve("qga.sock");
    Path state = Files.createDirectories(dir.resolve("qga-state"));
    Path pid = dir.resolve("qga.pid");
    Process launcher = new ProcessBuilder(exe.toString(), "-d", "-m", "unix-listen",
        "-p", socket.toString(), "-t", state.toString(), "-f", pid.toString(), "-l",
        dir.resolve("qga.log").toString(), "-b", BLOCKED)
        .redirectErrorStream(true).redirectOutput(dir.resolve("launch.log").toFile()).start();
    if (!launcher.waitFor(30, TimeUnit.SECONDS) || launcher.exitValue() != 0) {
      launcher.destroyForcibly();
      throw new IOException("qemu-ga did not start: "
          + Files.readString(dir.resolve("launch.log")));
    }
    org.awaitility.Awaitility.await("qemu-ga's socket and pid file").atMost(30, TimeUnit.SECONDS)
        .pollInterval(java.time.Duration.ofMillis(5))
        .until(() -> Files.exists(socket) && Files.exists(pid) && Files.size(pid) > 0);
    long p = Long.parseLong(Files.readString(pid, StandardCharsets.US_ASCII).trim());
    return new RealQemuGa(socket, pid, p);
  }

  /** Whether the daemon still runs (qemu-ga 7.2 exits when a client leaves a reply unread). */
  boolean alive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public void close() {
    ProcessHandle.of(pid).ifPresent(h -> {
      h.destroy();
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    });
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException ignored) {
      // temp dir cleanup removes it
    }
  }
}
