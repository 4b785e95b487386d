package io.quantix.agent.transport;

import io.quantix.agent.framing.FrameFormat;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a guest agent can be reached, written as a URI that fits a configuration file:
 * <ul>
 *   <li>{@code unix:/var/run/quantix-kvm/vms/vm-42.agent.sock} — virtio-serial through QEMU's
 *       chardev socket;</li>
 *   <li>{@code vsock://3:9443} — AF_VSOCK, CID and port (default port 9443);</li>
 *   <li>{@code hvsock:/var/lib/fc/vm-42.vsock?port=9443} — Firecracker / Cloud Hypervisor hybrid
 *       vsock (Unix socket plus a {@code CONNECT} handshake).</li>
 * </ul>
 * Any of them takes {@code framing=magic|legacy|auto} as a query parameter (default
 * {@code magic}, the framing of every agent since 2026-01-30).
 *
 * <pre>{@code
 * Endpoint e = Endpoint.parse("vsock://42:9443");
 * }</pre>
 */
public sealed interface Endpoint permits Endpoint.Unix, Endpoint.Vsock, Endpoint.HybridVsock {

  /** The agent's default vsock port. */
  int DEFAULT_VSOCK_PORT = 9443;

  /** The URI scheme, which selects the transport. */
  String scheme();

  /** The framing to speak on this endpoint. */
  FrameFormat framing();

  /**
   * The canonical URI text of this endpoint; {@link #parse(String)} reads it back to an equal
   * endpoint (socket paths are percent-encoded where a URI needs it, e.g. spaces as {@code %20}).
   */
  String uri();

  /**
   * Parses an endpoint URI; a malformed one fails with a message naming the wrong part, before
   * any I/O.
   *
   * @throws IllegalArgumentException if the text is not a valid endpoint
   */
  static Endpoint parse(String text) {
    return EndpointParser.parse(text);
  }

  /** A virtio-serial (QEMU chardev) Unix socket. */
  static Unix unix(Path socket) {
    return new Unix(socket, FrameFormat.MAGIC);
  }

  /** An AF_VSOCK endpoint. */
  static Vsock vsock(long cid, int port) {
    return new Vsock(cid, port, FrameFormat.MAGIC);
  }

  /** A hybrid vsock (Firecracker / Cloud Hypervisor) Unix socket and the guest port to reach. */
  static HybridVsock hybridVsock(Path socket, int port) {
    return new HybridVsock(socket, port, FrameFormat.MAGIC);
  }

  /** A Unix-domain socket served by QEMU for a virtio-serial channel. */
  record Unix(Path path, FrameFormat framing) implements Endpoint {
    /** Validates the path: absolute, no NUL. */
    public Unix {
      EndpointParser.checkSocketPath(path, "unix");
      Objects.requireNonNull(framing, "framing");
    }

    @Override
    public String scheme() {
      return "unix";
    }

    @Override
    public String uri() {
      return "unix:" + EndpointParser.encodePath(path) + EndpointParser.framingSuffix(framing, '?');
    }

    @Override
    public String toString() {
      return uri();
    }
  }

  /**
   * An AF_VSOCK address: context id and port. The port is an unsigned 32-bit number held in an
   * {@code int} (as in {@code struct sockaddr_vm}); print it with {@link Integer#toUnsignedString}.
   */
  record Vsock(long cid, int port, FrameFormat framing) implements Endpoint {
    /** Validates CID (u32) and port (1..4294967294; 4294967295 is VMADDR_PORT_ANY). */
    public Vsock {
      if (cid < 0 || cid > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("vsock CID " + cid + " is out of range 0..4294967295");
      }
      EndpointParser.checkPort(port, "vsock");
      Objects.requireNonNull(framing, "framing");
    }

    @Override
    public String scheme() {
      return "vsock";
    }

    @Override
    public String uri() {
      return "vsock://" + cid + ":" + Integer.toUnsignedString(port)
          + EndpointParser.framingSuffix(framing, '?');
    }

    @Override
    public String toString() {
      return uri();
    }
  }

  /** A hybrid vsock Unix socket and the guest port to ask for in the CONNECT handshake. */
  record HybridVsock(Path path, int port, FrameFormat framing) implements Endpoint {
    /** Validates the path and port. */
    public HybridVsock {
      EndpointParser.checkSocketPath(path, "hvsock");
      EndpointParser.checkPort(port, "hvsock");
      Objects.requireNonNull(framing, "framing");
    }

    @Override
    public String scheme() {
      return "hvsock";
    }

    @Override
    public String uri() {
      return "hvsock:" + EndpointParser.encodePath(path) + "?port="
          + Integer.toUnsignedString(port) + EndpointParser.framingSuffix(framing, '&');
    }

    @Override
    public String toString() {
      return uri();
    }
  }
}
