package io.quantix.agent.registry;

import io.quantix.agent.transport.Endpoint;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * Maps a VM id to the endpoints of its agent, in the order to try them (auto-fallback). The
 * registry asks again before every reconnect attempt, so a channel that moves (libvirt names its
 * directory after the domain id, which changes at every VM start) is found. Resolving must not do
 * blocking I/O beyond cheap file-system lookups.
 *
 * <p>A resolver throws {@link IllegalArgumentException} for an id it cannot accept, and returns an
 * empty list when the id is valid but no channel is found now (the registry then reports
 * NO_CHANNEL and keeps looking).
 *
 * <pre>{@code
 * EndpointResolver r = EndpointResolver.standard();      // Quantix layout, then libvirt's directories
 * EndpointResolver m = EndpointResolver.explicit(Map.of("vm-1", List.of(Endpoint.parse("vsock://3:9443"))));
 * }</pre>
 */
@FunctionalInterface
public interface EndpointResolver {
  /** Where the Quantix node puts each VM's agent channel socket. */
  Path QUANTIX_SOCKET_DIR = Path.of("/var/run/quantix-kvm/vms");

  /** The file name suffix of a VM channel in the Quantix layout. */
  String QUANTIX_SOCKET_SUFFIX = ".agent.sock";

  /**
   * libvirt's per-domain channel directories, newest layout first: {@code /run/libvirt/qemu/channel}
   * and {@code /var/lib/libvirt/qemu/channel/target}.
   */
  List<Path> LIBVIRT_CHANNEL_DIRS = List.of(Path.of("/run/libvirt/qemu/channel"),
      Path.of("/var/lib/libvirt/qemu/channel/target"));

  /** The agent's virtio-serial port names, current first, then the legacy name. */
  List<String> AGENT_PORT_NAMES = List.of("org.quantix.agent.0", "org.limiquantix.agent.0");

  /**
   * The endpoints of {@code vmId}, in order; empty when no channel is found now.
   *
   * @throws IllegalArgumentException if the VM id is not valid for this resolver
   */
  List<Endpoint> resolve(String vmId);

  /** The Quantix layout: {@code /var/run/quantix-kvm/vms/<vm-id>.agent.sock}. */
  static EndpointResolver quantixDefaults() {
    return directory(QUANTIX_SOCKET_DIR);
  }

  /**
   * The reference system's discovery order: the Quantix layout if its socket exists, else
   * libvirt's channel directories ({@link #libvirt()}); when neither has a socket, the Quantix
   * path, so that the status says NO_CHANNEL with the path looked for.
   */
  static EndpointResolver standard() {
    return firstExisting(quantixDefaults(), libvirt());
  }

  /** {@code <dir>/<vm-id>.agent.sock} for every VM. */
  static EndpointResolver directory(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path absolute = dir.toAbsolutePath();
    return vmId -> List.of(
        Endpoint.unix(absolute.resolve(checkVmId(vmId) + QUANTIX_SOCKET_SUFFIX)));
  }

  /** libvirt's channel directories ({@link #LIBVIRT_CHANNEL_DIRS}); see {@link #libvirt(List)}. */
  static EndpointResolver libvirt() {
    return libvirt(LIBVIRT_CHANNEL_DIRS);
  }

  /**
   * libvirt's per-domain channel directories under {@code roots}: a directory named
   * {@code domain-<id>-<name>} (or {@code <id>-<name>}, libvirt's newer short form) holding
   * {@code org.quantix.agent.0} (or the legacy {@code org.limiquantix.agent.0}). The name after
   * the numeric domain id must equal the VM id exactly: {@code vm1} never matches
   * {@code domain-3-vm10}. libvirt cuts names longer than 20 characters to their first 20 in
   * these directories; a long VM id is matched by that prefix, and when the prefix matches several
   * domains none is chosen (it could be another VM's agent). Sockets that exist are returned,
   * newest domain id first (a stale directory of an earlier run comes after); empty when none
   * exists.
   */
  static EndpointResolver libvirt(List<Path> roots) {
    List<Path> dirs = new ArrayList<>();
    for (Path root : roots) {
      dirs.add(root.toAbsolutePath());
    }
    List<Path> fixed = List.copyOf(dirs);
    return vmId -> Resolvers.libvirtChannels(fixed, checkVmId(vmId));
  }

  /**
   * Asks each resolver in turn and returns the first answer that names an existing socket (or an
   * endpoint that is not a socket file, such as vsock, which cannot be checked without
   * connecting); when none does, the first non-empty answer, normally the primary layout's path,
   * so that the status names the path looked for. A resolver that rejects the id is skipped,
   * unless every one does.
   */
  static EndpointResolver firstExisting(EndpointResolver primary, EndpointResolver... others) {
    List<EndpointResolver> chain = new ArrayList<>();
    chain.add(Objects.requireNonNull(primary, "primary"));
    for (EndpointResolver r : others) {
      chain.add(Objects.requireNonNull(r, "resolver"));
    }
    List<EndpointResolver> fixed = List.copyOf(chain);
    return vmId -> Resolvers.firstExisting(fixed, vmId);
  }

  /** Exactly the endpoints in {@code endpoints}; unknown VMs fail. */
  static EndpointResolver explicit(Map<String, List<Endpoint>> endpoints) {
    Map<String, List<Endpoint>> copy = Map.copyOf(endpoints);
    return vmId -> {
      List<Endpoint> found = copy.get(vmId);
      if (found == null || found.isEmpty()) {
        throw new IllegalArgumentException("no endpoints configured for VM '" + vmId + "'");
      }
      return found;
    };
  }

  /** Endpoints computed by {@code function}. */
  static EndpointResolver of(Function<String, List<Endpoint>> function) {
    Objects.requireNonNull(function, "function");
    return function::apply;
  }

  /**
   * Every VM channel in {@code dir}: each socket named {@code <vm-id>.agent.sock} whose id is a
   * valid VM id, by VM id (sorted). Regular files and directories are skipped.
   *
   * @throws UncheckedIOException if the directory cannot be listed
   */
  static SortedMap<String, Endpoint> discover(Path dir) {
    return Resolvers.discover(dir);
  }

  /**
   * Validates a VM id for use in a file name: non-empty, no path separators, no NUL, not
   * {@code .} or {@code ..}.
   */
  static String checkVmId(String vmId) {
    if (vmId == null || vmId.isEmpty()) {
      throw new IllegalArgumentException("VM id is null or empty");
    }
    if (vmId.indexOf('/') >= 0 || vmId.indexOf('\0') >= 0 || vmId.equals(".")
        || vmId.equals("..")) {
      throw new IllegalArgumentException("VM id '" + vmId.replace("\0", "\\0")
          + "' cannot name a socket file");
    }
    return vmId;
  }
}
