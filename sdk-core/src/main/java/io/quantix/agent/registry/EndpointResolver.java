package io.quantix.agent.registry;

import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Maps a VM id to the endpoints of its agent, in the order to try them (auto-fallback).
 * Resolving must not do blocking I/O beyond cheap file-system lookups.
 *
 * <pre>{@code
 * EndpointResolver r = EndpointResolver.quantixDefaults();            // /var/run/quantix-kvm/vms/<id>.agent.sock
 * EndpointResolver m = EndpointResolver.explicit(Map.of("vm-1", List.of(Endpoint.parse("vsock://3:9443"))));
 * }</pre>
 */
@FunctionalInterface
public interface EndpointResolver {
  /** Where the Quantix node puts each VM's agent channel socket. */
  Path QUANTIX_SOCKET_DIR = Path.of("/var/run/quantix-kvm/vms");

  /**
   * The endpoints of {@code vmId}, never empty.
   *
   * @throws IllegalArgumentException if the VM id is not valid for this resolver
   */
  List<Endpoint> resolve(String vmId);

  /** The Quantix layout: {@code /var/run/quantix-kvm/vms/<vm-id>.agent.sock}. */
  static EndpointResolver quantixDefaults() {
    return directory(QUANTIX_SOCKET_DIR);
  }

  /** {@code <dir>/<vm-id>.agent.sock} for every VM. */
  static EndpointResolver directory(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path absolute = dir.toAbsolutePath();
    return vmId -> List.of(Endpoint.unix(absolute.resolve(checkVmId(vmId) + ".agent.sock")));
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
