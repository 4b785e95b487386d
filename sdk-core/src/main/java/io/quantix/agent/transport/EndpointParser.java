package io.quantix.agent.transport;

import io.quantix.agent.framing.FrameFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Parsing and validation behind {@link Endpoint#parse(String)}; every message quotes the text. */
final class EndpointParser {
  /** Characters a path keeps as they are in {@link Endpoint#uri()}; the rest is percent-encoded. */
  private static final String PATH_SAFE = "-._~/:@!$'()*+,;=&";
  private static final long MAX_U32 = 0xFFFF_FFFFL;

  private EndpointParser() {}

  static Endpoint parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("endpoint is null");
    }
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("endpoint '" + printable(text) + "' contains a NUL byte");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      if (text.endsWith(":") && text.indexOf(':') == text.length() - 1) {
        throw new IllegalArgumentException("endpoint '" + text + "' has no socket path or address"
            + " after the scheme", e);
      }
      throw new IllegalArgumentException("endpoint '" + text + "' is not a valid URI: "
          + e.getReason() + " at index " + e.getIndex(), e);
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("endpoint '" + text
          + "' has no scheme: expected unix:/path, vsock://cid:port or hvsock:/path?port=N");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("endpoint '" + text + "' has a fragment '#"
          + uri.getRawFragment() + "', which endpoints do not take");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    Query query = Query.parse(text, uri.isOpaque() ? null : uri.getRawQuery());
    FrameFormat framing = query.framing();
    switch (scheme) {
      case "unix": {
        query.rejectUnknown("framing");
        Path path = path(text, uri);
        return build(text, () -> new Endpoint.Unix(path, framing));
      }
      case "hvsock": {
        query.rejectUnknown("framing", "port");
        Path path = path(text, uri);
        int port = query.port(Endpoint.DEFAULT_VSOCK_PORT);
        return build(text, () -> new Endpoint.HybridVsock(path, port, framing));
      }
      case "vsock":
        query.rejectUnknown("framing");
        return vsock(text, uri, framing);
      default:
        throw new IllegalArgumentException("endpoint '" + text + "' has unknown scheme '" + scheme
            + "': expected unix, vsock or hvsock");
    }
  }

  private static Endpoint vsock(String text, URI uri, FrameFormat framing) {
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
    long cid = unsigned(text, "CID", sep < 0 ? authority : authority.substring(0, sep));
    int port = Endpoint.DEFAULT_VSOCK_PORT;
    if (sep >= 0) {
      port = (int) unsigned(text, "port", authority.substring(sep + 1));
    }
    int p = port;
    return build(text, () -> new Endpoint.Vsock(cid, p, framing));
  }

  /** Runs a record constructor, quoting the endpoint text in its validation message. */
  private static Endpoint build(String text, Supplier<Endpoint> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpoint '" + printable(text) + "': " + e.getMessage(), e);
    }
  }

  private static Path path(String text, URI uri) {
    String path;
    if (uri.isOpaque()) {
      path = uri.getSchemeSpecificPart();
      int q = path.indexOf('?');
      path = q >= 0 ? path.substring(0, q) : path;
    } else {
      if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
        throw new IllegalArgumentException("endpoint '" + text + "' has a host part '"
            + uri.getRawAuthority() + "': write " + uri.getScheme() + ":/absolute/path");
      }
      path = uri.getPath();
    }
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("endpoint '" + text + "' has no socket path");
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("endpoint '" + text + "' has a socket path with a NUL byte");
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
    if (!value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("endpoint '" + text + "' has " + part + " '" + value
          + "', which is not a decimal number");
    }
    if (value.length() > 10 || Long.parseLong(value) > MAX_U32) {
      throw new IllegalArgumentException("endpoint '" + text + "' has " + part + " " + value
          + " out of range 0..4294967295");
    }
    return Long.parseLong(value);
  }

  /** Ports are unsigned 32-bit: 0 is invalid, 4294967295 is VMADDR_PORT_ANY (not connectable). */
  static void checkPort(int port, String scheme) {
    if (port == 0 || port == -1) {
      throw new IllegalArgumentException(scheme + " port " + Integer.toUnsignedString(port)
          + " cannot be connected to: use 1..4294967294");
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
    if (s.getBytes(StandardCharsets.UTF_8).length > 107) {
      throw new IllegalArgumentException(scheme + " socket path '" + s
          + "' is longer than the 107 bytes a Unix socket address holds");
    }
  }

  /** The path as URI text: UTF-8 bytes outside the safe set are percent-encoded. */
  static String encodePath(Path path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.toString().getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || PATH_SAFE.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
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
    private final Map<String, String> params;

    private Query(String text, Map<String, String> params) {
      this.text = text;
      this.params = params;
    }

    static Query parse(String text, String raw) {
      Map<String, String> params = new LinkedHashMap<>();
      if (raw != null && !raw.isEmpty()) {
        for (String pair : raw.split("&", -1)) {
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
      Set<String> allowed = Set.of(known);
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
      return value == null ? defaultPort : (int) unsigned(text, "port", value);
    }
  }
}
