package io.quantix.agent.transport;

import io.quantix.agent.framing.FrameFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
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

  /** The canonical URI text of this endpoint. */
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
      return "unix:" + path + EndpointParser.framingSuffix(framing, '?');
    }

    @Override
    public String toString() {
      return uri();
    }
  }

  /** An AF_VSOCK address: context id and port. */
  record Vsock(long cid, int port, FrameFormat framing) implements Endpoint {
    /** Validates CID (u32) and port (1..u32 max). */
    public Vsock {
      if (cid < 0 || cid > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("vsock CID " + cid + " is out of range 0..4294967295");
      }
      if (port <= 0 && port != -1) {
        throw new IllegalArgumentException("vsock port " + Integer.toUnsignedString(port)
            + " is out of range");
      }
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
      if (port <= 0 && port != -1) {
        throw new IllegalArgumentException("hvsock port " + Integer.toUnsignedString(port)
            + " is out of range");
      }
      Objects.requireNonNull(framing, "framing");
    }

    @Override
    public String scheme() {
      return "hvsock";
    }

    @Override
    public String uri() {
      return "hvsock:" + path + "?port=" + Integer.toUnsignedString(port)
          + EndpointParser.framingSuffix(framing, '&');
    }

    @Override
    public String toString() {
      return uri();
    }
  }
}

/** Parsing and validation behind {@link Endpoint#parse(String)}. */
final class EndpointParser {
  private EndpointParser() {}

  static Endpoint parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("endpoint is null");
    }
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("endpoint '" + printable(text) + "' contains a NUL byte");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("endpoint '" + text
          + "' has no scheme: expected unix:/path, vsock://cid:port or hvsock:/path?port=N");
    }
    String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("endpoint '" + text + "' is not a valid URI: "
          + e.getReason() + " at index " + e.getIndex(), e);
    }
    Query query = Query.parse(text, uri.getRawQuery());
    FrameFormat framing = query.framing();
    switch (scheme) {
      case "unix": {
        query.rejectUnknown("framing");
        return new Endpoint.Unix(path(text, uri), framing);
      }
      case "hvsock": {
        query.rejectUnknown("framing", "port");
        int port = query.port(Endpoint.DEFAULT_VSOCK_PORT);
        return new Endpoint.HybridVsock(path(text, uri), port, framing);
      }
      case "vsock": {
        query.rejectUnknown("framing");
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
          throw new IllegalArgumentException("endpoint '" + text
              + "' has no CID: expected vsock://<cid>:<port>");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
          throw new IllegalArgumentException("endpoint '" + text + "' has a path '"
              + uri.getRawPath() + "': expected vsock://<cid>:<port>");
        }
        int sep = authority.lastIndexOf(':');
        String cidText = sep < 0 ? authority : authority.substring(0, sep);
        long cid = unsigned(text, "CID", cidText);
        int port = Endpoint.DEFAULT_VSOCK_PORT;
        if (sep >= 0) {
          port = (int) unsigned(text, "port", authority.substring(sep + 1));
          if (port == 0) {
            throw new IllegalArgumentException("endpoint '" + text + "' has port 0");
          }
        }
        return new Endpoint.Vsock(cid, port, framing);
      }
      default:
        throw new IllegalArgumentException("endpoint '" + text + "' has unknown scheme '" + scheme
            + "': expected unix, vsock or hvsock");
    }
  }

  private static Path path(String text, URI uri) {
    String path = uri.isOpaque() ? uri.getSchemeSpecificPart() : uri.getPath();
    if (uri.isOpaque()) {
      int q = path.indexOf('?');
      path = q >= 0 ? path.substring(0, q) : path;
    } else if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
      throw new IllegalArgumentException("endpoint '" + text + "' has a host part '"
          + uri.getRawAuthority() + "': write " + uri.getScheme() + ":/absolute/path");
    }
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("endpoint '" + text + "' has no socket path");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("endpoint '" + text + "' has relative socket path '"
          + path + "': it must be absolute");
    }
    return Path.of(path);
  }

  private static long unsigned(String text, String part, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("endpoint '" + text + "' has an empty " + part);
    }
    try {
      long v = Long.parseLong(value);
      if (v < 0 || v > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("endpoint '" + text + "' has " + part + " " + value
            + " out of range 0..4294967295");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("endpoint '" + text + "' has " + part + " '" + value
          + "', which is not a number", e);
    }
  }

  static void checkSocketPath(Path path, String scheme) {
    if (path == null) {
      throw new IllegalArgumentException(scheme + " endpoint has no socket path");
    }
    String s = path.toString();
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(scheme + " socket path contains a NUL byte");
    }
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(scheme + " socket path '" + s + "' must be absolute");
    }
    // sun_path holds 107 bytes plus the terminating NUL on Linux.
    if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
      throw new IllegalArgumentException(scheme + " socket path '" + s
          + "' is longer than the 107 bytes a Unix socket address holds");
    }
  }

  static String framingSuffix(FrameFormat framing, char sep) {
    return framing == FrameFormat.MAGIC ? "" : sep + "framing=" + framing.name().toLowerCase(Locale.ROOT);
  }

  private static String printable(String s) {
    return s.replace("\0", "\\0");
  }

  /** The query parameters of an endpoint. */
  private static final class Query {
    private final String text;
    private final java.util.Map<String, String> params;

    private Query(String text, java.util.Map<String, String> params) {
      this.text = text;
      this.params = params;
    }

    static Query parse(String text, String raw) {
      java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
      if (raw != null && !raw.isEmpty()) {
        for (String pair : raw.split("&")) {
          int eq = pair.indexOf('=');
          String key = eq < 0 ? pair : pair.substring(0, eq);
          String value = eq < 0 ? "" : pair.substring(eq + 1);
          if (params.put(key, value) != null) {
            throw new IllegalArgumentException("endpoint '" + text + "' repeats parameter '" + key + "'");
          }
        }
      }
      return new Query(text, params);
    }

    void rejectUnknown(String... known) {
      java.util.Set<String> allowed = java.util.Set.of(known);
      for (String key : params.keySet()) {
        if (!allowed.contains(key)) {
          throw new IllegalArgumentException("endpoint '" + text + "' has unknown parameter '" + key
              + "' (allowed: " + String.join(", ", known) + ")");
        }
      }
    }

    FrameFormat framing() {
      String value = params.get("framing");
      if (value == null) {
        return FrameFormat.MAGIC;
      }
      switch (value.toLowerCase(Locale.ROOT)) {
        case "magic":
          return FrameFormat.MAGIC;
        case "legacy":
          return FrameFormat.LEGACY;
        case "auto":
          return FrameFormat.AUTO;
        default:
          throw new IllegalArgumentException("endpoint '" + text + "' has framing '" + value
              + "': expected magic, legacy or auto");
      }
    }

    int port(int defaultPort) {
      String value = params.get("port");
      if (value == null) {
        return defaultPort;
      }
      long port = unsigned(text, "port", value);
      if (port == 0) {
        throw new IllegalArgumentException("endpoint '" + text + "' has port 0");
      }
      return (int) port;
    }
  }
}
