package io.quantix.agent.benchmarks.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's qemu-guest-agent on a Unix socket, started with the project's command line (with the
 * block list that keeps it from freezing or shutting down this machine), and its
 * {@code guest-ping} round trip: the incumbent agent's health check. Replies are always read
 * before the socket closes (qemu-ga 7.2 exits otherwise).
 */
final class QemuGa implements Subject {
  static final String BLOCKED = "guest-fsfreeze-freeze,guest-fsfreeze-freeze-list,"
      + "guest-fsfreeze-thaw,guest-fstrim,guest-shutdown,guest-suspend-disk,guest-suspend-ram,"
      + "guest-suspend-hybrid,guest-set-time,guest-set-user-password,guest-set-vcpus,"
      + "guest-set-memory-blocks";
  private static final byte[] PING = "{\"execute\":\"guest-ping\"}\n"
      .getBytes(StandardCharsets.US_ASCII);

  private final Path pidFile;
  private final SocketChannel ch;
  private final ByteBuffer ping = ByteBuffer.allocateDirect(PING.length);
  private final ByteBuffer in = ByteBuffer.allocateDirect(4096);

  private QemuGa(Path pidFile, SocketChannel ch) {
    this.pidFile = pidFile;
    this.ch = ch;
    ping.put(PING).flip();
  }

  /** The qemu-ga executable, if installed. */
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

  /** The first line of {@code qemu-ga --version}. */
  static String version(Path exe) {
    try {
      Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return out.isEmpty() ? "qemu-ga (version unknown)" : out.lines().findFirst().orElse(out);
    } catch (IOException e) {
      return "qemu-ga (version unknown: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "qemu-ga (version unknown)";
    }
  }

  /** Starts qemu-ga as a daemon listening in {@code dir}, and connects to it. */
  static QemuGa start(Path exe, Path dir) throws IOException, InterruptedException {
    Path socket = dir.resolve("qga.sock");
    Path state = Files.createDirectories(dir.resolve("qga-state"));
    Path pid = dir.resolve("qga.pid");
    Path log = dir.resolve("qga.log");
    Process launcher = new ProcessBuilder(exe.toString(), "-d", "-m", "unix-listen",
        "-p", socket.toString(), "-t", state.toString(), "-f", pid.toString(), "-l",
        log.toString(), "-b", BLOCKED)
        .redirectErrorStream(true).redirectOutput(dir.resolve("qga-launch.log").toFile()).start();
    if (!launcher.waitFor(30, TimeUnit.SECONDS)) {
      launcher.destroyForcibly();
      throw new IOException("qemu-ga did not daemonize within 30 s");
    }
    if (launcher.exitValue() != 0) {
      throw new IOException("qemu-ga exited with " + launcher.exitValue() + ": "
          + Files.readString(dir.resolve("qga-launch.log")).trim());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(Files.exists(socket) && Files.exists(pid))) {
      if (System.nanoTime() > deadline) {
        throw new IOException("qemu-ga made no socket within 30 s; see " + log);
      }
      Thread.sleep(20);
    }
    QemuGa ga = new QemuGa(pid, UnixSocket.connect(socket));
    ga.roundTrip();
    return ga;
  }

  @Override
  public String name() {
    return "qemu-ga";
  }

  @Override
  public void roundTrip() throws IOException {
    ping.rewind();
    UnixSocket.writeFully(ch, ping);
    in.clear();
    while (true) {
      int from = in.position();
      if (ch.read(in) < 0) {
        throw new IOException("qemu-ga closed the socket");
      }
      for (int i = from; i < in.position(); i++) {
        if (in.get(i) == '\n') {
          if (i != in.position() - 1) {
            throw new IOException("qemu-ga sent more than one reply");
          }
          return;
        }
      }
    }
  }

  @Override
  public long peerPid() {
    try {
      return Long.parseLong(Files.readString(pidFile).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public boolean pipelines() {
    return false;
  }

  @Override
  public double pipelined(int depth, long nanos) {
    throw new UnsupportedOperationException("qemu-ga is measured for its round trip only");
  }

  /** Closes the connection (every reply was read) and stops the daemon by its pid. */
  @Override
  public void close() throws IOException {
    ch.close();
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isPresent() && handle.get().info().command().map(c -> c.endsWith("qemu-ga"))
        .orElse(false)) {
      handle.get().destroy();
      try {
        handle.get().onExit().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        handle.get().destroyForcibly();
      } catch (InterruptedException e) {
        handle.get().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
