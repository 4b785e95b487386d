package io.quantix.agent.qemu.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One QEMU process running the tier's guest under TCG, with four virtio-serial ports whose host
 * sides are chardev sockets in {@code dir}:
 * <ul>
 *   <li>{@code org.quantix.agent.0} (nr 1): {@link #agentSocket()}, QEMU listens, the SDK connects;
 *   <li>{@code org.quantix.relay.0} (nr 2): QEMU connects to {@code relaySocket} (the fake agent)
 *       and retries every second while nobody listens;
 *   <li>{@code org.quantix.silent.0} (nr 3): {@link #silentSocket()}, a port the guest never opens;
 *   <li>{@code org.qemu.guest_agent.0} (nr 4): {@link #qgaSocket()}, qemu-ga in the guest.
 * </ul>
 * The guest relays bytes between ports 1 and 2, so every byte between the SDK and the fake agent
 * crosses the guest kernel's virtio-serial twice. Command line as verified in wire/qemu-ga.md §5.
 */
public final class QemuVm implements AutoCloseable {
  /** The guest's marker ({@code relay.sh}): the relay runs. */
  public static final String RELAY_UP = "QT relay-up";
  /** The guest's marker ({@code init.sh}): booted, qemu-ga started (when present). */
  public static final String GUEST_UP = "QT guest-up";
  /**
   * {@code no_timer_check}: under TCG on a busy machine the kernel's IO-APIC timer check can see
   * too few ticks and panic ("IO-APIC + timer doesn't work!", seen here); virtualised guests skip
   * it. {@code panic=-1} with {@code -no-reboot} makes any panic end QEMU at once.
   */
  static final String KERNEL_ARGS = "console=ttyS0 quiet panic=-1 no_timer_check";

  private final Path dir;
  private final Process process;
  private final long startedNanos;

  private QemuVm(Path dir, Process process, long startedNanos) {
    this.dir = dir;
    this.process = process;
    this.startedNanos = startedNanos;
  }

  /**
   * Starts QEMU (not waiting for the guest); {@code dir} keeps sockets and logs. Without
   * {@code relayAtBoot} the guest starts no relay: nothing answers on org.quantix.agent.0 until
   * {@code /bin/qt-relay} is run in the guest (through qemu-ga), as an agent installed later.
   */
  static QemuVm start(GuestImage image, Path dir, Path relaySocket, boolean relayAtBoot)
      throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve("serial.log"));
    List<String> command = List.of(QemuTier.QEMU.toString(),
        "-machine", "pc,accel=tcg", "-m", "256", "-smp", "1", "-nodefaults", "-display", "none",
        "-no-reboot", "-kernel", image.kernel().vmlinuz().toString(),
        "-initrd", image.initramfs().toString(), "-append", KERNEL_ARGS + (relayAtBoot ? "" : " qt.relay=off"),
        "-serial", "file:" + dir.resolve("serial.log"),
        "-device", "virtio-serial-pci,id=vser0",
        "-chardev", "socket,id=agent,path=" + dir.resolve("agent.sock") + ",server=on,wait=off",
        "-device", "virtserialport,bus=vser0.0,nr=1,chardev=agent,name=org.quantix.agent.0,id=agentport",
        "-chardev", "socket,id=relay,path=" + relaySocket + ",server=off,reconnect=1",
        "-device", "virtserialport,bus=vser0.0,nr=2,chardev=relay,name=org.quantix.relay.0,id=relayport",
        "-chardev", "socket,id=silent,path=" + dir.resolve("silent.sock") + ",server=on,wait=off",
        "-device", "virtserialport,bus=vser0.0,nr=3,chardev=silent,name=org.quantix.silent.0,id=silentport",
        "-chardev", "socket,id=qga,path=" + dir.resolve("qga.sock") + ",server=on,wait=off",
        "-device", "virtserialport,bus=vser0.0,nr=4,chardev=qga,name=org.qemu.guest_agent.0,id=qgaport");
    long started = System.nanoTime();
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("qemu.log").toFile()))
        .start();
    Processes.track(process);
    return new QemuVm(dir, process, started);
  }

  /**
   * Waits for the guest's relay (and qemu-ga) to run; returns the time from QEMU's start.
   *
   * @throws IllegalStateException with the serial and QEMU logs if QEMU exits or the guest is late
   */
  public Duration awaitRelayUp(Duration timeout) {
    return awaitBoot(RELAY_UP, timeout);
  }

  /**
   * Waits for the serial marker {@code marker} of the boot ({@link #RELAY_UP}, {@link #GUEST_UP});
   * returns the time from QEMU's start.
   *
   * @throws IllegalStateException with the serial and QEMU logs if QEMU exits or the guest is late
   */
  public Duration awaitBoot(String marker, Duration timeout) {
    try {
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
          .until(() -> !process.isAlive() || serialLog().contains(marker));
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("guest not up after " + timeout + "\n" + diagnostics(), e);
    }
    if (!process.isAlive()) {
      throw new IllegalStateException("QEMU exited with " + process.exitValue() + "\n"
          + diagnostics());
    }
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** Waits until the serial log has {@code count} lines containing {@code marker}. */
  public void awaitMarkerCount(String marker, int count, Duration timeout) {
    try {
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
          .until(() -> markerCount(marker) >= count);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("fewer than " + count + " '" + marker + "' after "
          + timeout + "\n" + diagnostics(), e);
    }
  }

  /** Lines of the serial log that contain {@code marker}. */
  public int markerCount(String marker) {
    return (int) serialLog().lines().filter(line -> line.contains(marker)).count();
  }

  /** The guest's serial console so far (its markers start with {@code QT }). */
  public String serialLog() {
    return read(dir.resolve("serial.log"));
  }

  /** Where the SDK connects: the host side of {@code org.quantix.agent.0}. */
  public Path agentSocket() {
    return dir.resolve("agent.sock");
  }

  /** The host side of a port the guest never opens. */
  public Path silentSocket() {
    return dir.resolve("silent.sock");
  }

  /** The host side of {@code org.qemu.guest_agent.0}. */
  public Path qgaSocket() {
    return dir.resolve("qga.sock");
  }

  /** The QEMU process. */
  public Process process() {
    return process;
  }

  /** SIGKILL, as when the VM crashes or is destroyed; returns once the process is gone. */
  public void kill() {
    Processes.kill(process);
  }

  /** Stops QEMU (SIGKILL: the guest holds nothing worth a clean shutdown). */
  @Override
  public void close() {
    kill();
  }

  /** The serial console and QEMU's own output, for failure messages. */
  public String diagnostics() {
    return "--- serial ---\n" + serialLog() + "--- qemu ---\n" + read(dir.resolve("qemu.log"));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
