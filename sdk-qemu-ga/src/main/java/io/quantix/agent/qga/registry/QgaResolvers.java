package io.quantix.agent.qga.registry;

import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolvers for a VM's qemu-ga channel: libvirt's {@code org.qemu.guest_agent.0} port in its
 * per-domain channel directories, or a {@code <vm-id>.qga.sock} file beside the Quantix channel.
 *
 * <pre>{@code
 * EndpointResolver qga = QgaResolvers.standard();
 * List<Endpoint> found = qga.resolve("vm-42");
 * }</pre>
 */
public final class QgaResolvers {
  /** libvirt's (and QEMU's) name of the qemu-ga virtio-serial port. */
  public static final String QGA_PORT_NAME = "org.qemu.guest_agent.0";
  /** The file name suffix of a qemu-ga channel in the Quantix layout. */
  public static final String QGA_SOCKET_SUFFIX = ".qga.sock";
  /** libvirt cuts domain names to this many characters in channel directory names. */
  static final int LIBVIRT_SHORT_NAME_MAX = 20;
  private static final Pattern LIBVIRT_DIR = Pattern.compile("(?:domain-)?([0-9]{1,18})-(.+)");

  private QgaResolvers() {}

  /** The Quantix layout's socket if it exists, else libvirt's; else the Quantix path. */
  public static EndpointResolver standard() {
    return EndpointResolver.firstExisting(directory(EndpointResolver.QUANTIX_SOCKET_DIR),
        libvirt());
  }

  /** {@code <dir>/<vm-id>.qga.sock}. */
  public static EndpointResolver directory(Path dir) {
    Path absolute = dir.toAbsolutePath();
    return vmId -> List.of(Endpoint.unix(
        absolute.resolve(EndpointResolver.checkVmId(vmId) + QGA_SOCKET_SUFFIX)));
  }

  /** libvirt's channel directories ({@link EndpointResolver#LIBVIRT_CHANNEL_DIRS}). */
  public static EndpointResolver libvirt() {
    return libvirt(EndpointResolver.LIBVIRT_CHANNEL_DIRS);
  }

  /**
   * {@code org.qemu.guest_agent.0} in {@code <root>/domain-<id>-<name>/} (or {@code <id>-<name>}),
   * the name equal to the VM id (or its first 20 characters, refused when that matches several
   * domains); newest domain id first; empty when none exists.
   */
  public static EndpointResolver libvirt(List<Path> roots) {
    List<Path> fixed = roots.stream().map(Path::toAbsolutePath).toList();
    return vmId -> find(fixed, EndpointResolver.checkVmId(vmId));
  }

  private record Found(long domainId, Path socket) {}

  private static List<Endpoint> find(List<Path> roots, String vmId) {
    String shortName = vmId.codePointCount(0, vmId.length()) <= LIBVIRT_SHORT_NAME_MAX ? vmId
        : vmId.substring(0, vmId.offsetByCodePoints(0, LIBVIRT_SHORT_NAME_MAX));
    List<Found> found = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
        for (Path d : dirs) {
          Matcher m = LIBVIRT_DIR.matcher(d.getFileName().toString());
          Path socket = d.resolve(QGA_PORT_NAME);
          if (m.matches() && m.group(2).equals(shortName) && isSocketLike(socket)) {
            found.add(new Found(Long.parseLong(m.group(1)), socket));
          }
        }
      } catch (IOException | RuntimeException e) {
        // An unreadable root has no channels for us.
      }
    }
    if (!shortName.equals(vmId) && found.stream().mapToLong(Found::domainId).distinct().count() > 1) {
      return List.of(); // several domains share the cut name: better none than another VM's
    }
    found.sort(Comparator.comparingLong(Found::domainId).reversed());
    return found.stream().map(f -> (Endpoint) Endpoint.unix(f.socket())).toList();
  }

  private static boolean isSocketLike(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).isOther();
    } catch (IOException e) {
      return false;
    }
  }
}
