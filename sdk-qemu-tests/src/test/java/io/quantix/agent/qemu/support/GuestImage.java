package io.quantix.agent.qemu.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guest, built at test time from what the machine has: a Debian kernel ({@link GuestKernel})
 * and an initramfs holding busybox-static, the virtio modules, {@code init.sh} as {@code /init}
 * ({@code relay.sh} as {@code /bin/qt-relay}) and, when installed, Debian's {@code qemu-ga} with
 * the shared libraries {@code ldd} lists.
 * Nothing is downloaded.
 *
 * @param kernel the kernel to boot
 * @param initramfs the gzipped cpio archive built for it
 * @param withQemuGa whether qemu-ga is inside
 */
public record GuestImage(GuestKernel kernel, Path initramfs, boolean withQemuGa) {
  static final Path BUSYBOX = Path.of("/bin/busybox");
  static final Path QEMU_GA = Path.of("/usr/sbin/qemu-ga");
  private static final Pattern LDD_PATH = Pattern.compile("(/\\S+)");

  /**
   * Builds the image into {@code workDir}, or returns empty with the reason the tier must skip.
   */
  static Optional<GuestImage> build(Path workDir, List<Path> kernelRoots, List<String> reasons)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(BUSYBOX) || hasInterpreter(BUSYBOX)) {
      reasons.add(BUSYBOX + " missing or not static (install busybox-static)");
      return Optional.empty();
    }
    Optional<GuestKernel> kernel = GuestKernel.find(kernelRoots, reasons);
    if (kernel.isEmpty()) {
      return Optional.empty();
    }
    Files.createDirectories(workDir);
    Path archive = workDir.resolve("initramfs.cpio.gz");
    boolean qemuGa = Files.isExecutable(QEMU_GA);
    try (Cpio cpio = new Cpio(archive)) {
      for (String dir : List.of("/dev", "/proc", "/sys", "/run", "/tmp", "/bin", "/sbin")) {
        cpio.directory(dir);
      }
      cpio.copy(BUSYBOX, "/bin/busybox");
      cpio.file("/init", resource("init.sh"), 0755);
      cpio.file("/bin/qt-relay", resource("relay.sh"), 0755);
      StringBuilder order = new StringBuilder();
      for (Path module : kernel.get().modules()) {
        String name = module.getFileName().toString();
        cpio.copy(module, "/lib/modules/" + name);
        order.append(name, 0, name.length() - 3).append('\n');
      }
      cpio.file("/lib/modules/load-order", order.toString().getBytes(StandardCharsets.US_ASCII),
          0644);
      if (qemuGa) {
        cpio.copy(QEMU_GA, QEMU_GA.toString());
        for (Path library : sharedLibraries(QEMU_GA)) {
          cpio.copy(library.toRealPath(), library.toString());
        }
      }
    }
    return Optional.of(new GuestImage(kernel.get(), archive, qemuGa));
  }

  /** The libraries and loader {@code ldd} lists for {@code binary} (absolute paths only). */
  static Set<Path> sharedLibraries(Path binary) throws IOException, InterruptedException {
    Process ldd = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
    String output;
    try (InputStream in = ldd.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!ldd.waitFor(30, TimeUnit.SECONDS) || ldd.exitValue() != 0) {
      ldd.destroyForcibly();
      throw new IOException("ldd " + binary + " failed: " + output);
    }
    Set<Path> libraries = new LinkedHashSet<>();
    for (String line : output.split("\n")) {
      if (line.contains("=>") || line.trim().startsWith("/")) {
        Matcher m = LDD_PATH.matcher(line.contains("=>") ? line.substring(line.indexOf("=>"))
            : line);
        if (m.find()) {
          libraries.add(Path.of(m.group(1)));
        }
      }
    }
    return libraries;
  }

  /** Whether an ELF file names a program interpreter (PT_INTERP): dynamically linked. */
  static boolean hasInterpreter(Path elf) throws IOException {
    try (FileChannel ch = FileChannel.open(elf)) {
      ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(header, 0);
      if (header.getInt(0) != 0x464c457f || header.get(4) != 2) {
        return true; // not a 64-bit ELF: treat as unusable
      }
      long phoff = header.getLong(0x20);
      int phentsize = header.getShort(0x36) & 0xffff;
      int phnum = header.getShort(0x38) & 0xffff;
      ByteBuffer ph = ByteBuffer.allocate(phentsize * phnum).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(ph, phoff);
      for (int i = 0; i < phnum; i++) {
        if (ph.getInt(i * phentsize) == 3) {
          return true;
        }
      }
      return false;
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = GuestImage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return in.readAllBytes();
    }
  }

  /** The kernel roots to search: the configured one (if any), then the machine's own. */
  static List<Path> kernelRoots() {
    List<Path> roots = new ArrayList<>();
    String configured = System.getProperty("qemu.tier.kernelRoot", "");
    if (!configured.isBlank()) {
      roots.add(Path.of(configured));
    }
    roots.add(Path.of("/"));
    return roots;
  }
}
