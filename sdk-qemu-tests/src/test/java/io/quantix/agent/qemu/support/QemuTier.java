package io.quantix.agent.qemu.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension of the QEMU tier. Skips the class, with the reason, where QEMU cannot run
 * (not x86_64, no {@code qemu-system-x86_64}, no busybox-static, no usable kernel); otherwise
 * builds the guest image once per JVM and injects a {@link Guest} parameter: one shared guest for
 * the whole run, booted on first use and killed when the run ends (the root store closes it;
 * {@link Processes} covers a run that dies first). Tests that kill QEMU boot their own with
 * {@link #bootPrivateGuest(String)} and close it.
 */
public final class QemuTier implements BeforeAllCallback, ParameterResolver {
  static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(QemuTier.class);
  private static final AtomicInteger PRIVATE_GUESTS = new AtomicInteger();
  private static final Object LOCK = new Object();
  private static GuestImage image;
  private static String skipReason;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    prepare();
    Assumptions.assumeTrue(skipReason == null, () -> "QEMU tier skipped: " + skipReason);
  }

  /** Where the tier keeps its image, logs and figures ({@code target/qemu-tier} under Maven). */
  public static Path workDir() {
    return Path.of(System.getProperty("qemu.tier.workDir", "target/qemu-tier")).toAbsolutePath();
  }

  /** Boots a guest of its own (with its own fake agent) that the caller must close. */
  public static Guest bootPrivateGuest(String name) throws IOException {
    return Guest.boot(requireImage(), socketDir(name + "-" + PRIVATE_GUESTS.incrementAndGet()),
        true);
  }

  /**
   * Boots a guest of its own whose relay (its "agent") does not start at boot: run
   * {@code /bin/qt-relay} in the guest through qemu-ga to start it. The caller must close it.
   */
  public static Guest bootPrivateGuestWithoutAgent(String name) throws IOException {
    return Guest.boot(requireImage(), socketDir(name + "-" + PRIVATE_GUESTS.incrementAndGet()),
        false);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Guest.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("shared-guest", key -> {
      try {
        return Guest.boot(requireImage(), socketDir("shared"), true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, Guest.class);
  }

  private static GuestImage requireImage() throws IOException {
    prepare();
    if (image == null) {
      throw new IllegalStateException("QEMU tier unavailable: " + skipReason);
    }
    return image;
  }

  private static void prepare() throws IOException {
    synchronized (LOCK) {
      if (image != null || skipReason != null) {
        return;
      }
      List<String> reasons = new ArrayList<>();
      String arch = System.getProperty("os.arch");
      if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
        reasons.add("the guest image is x86_64 only, this JVM runs on " + arch);
      } else if (!Files.isExecutable(QEMU)) {
        reasons.add(QEMU + " not found (install qemu-system-x86)");
      } else {
        try {
          image = GuestImage.build(workDir(), GuestImage.kernelRoots(), reasons).orElse(null);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while building the guest image", e);
        }
      }
      if (image == null) {
        skipReason = String.join("; ", reasons);
      }
    }
  }

  /**
   * A directory for one guest's sockets and logs: under the work directory when the socket paths
   * stay within the 108-byte limit of Unix socket addresses, else a temporary one.
   */
  private static Path socketDir(String name) throws IOException {
    Path dir = workDir().resolve(name);
    if (dir.resolve("silent.sock").toString().length() > 100) {
      return Files.createTempDirectory("qt-" + name);
    }
    Files.createDirectories(dir);
    return dir;
  }
}
