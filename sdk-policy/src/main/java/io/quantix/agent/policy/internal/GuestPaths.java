package io.quantix.agent.policy.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Lexical normalisation of guest paths and prefix matching on whole segments. A path is refused,
 * not repaired, when repairing it would mean guessing what the guest resolves: a {@code ..}
 * segment (a symlinked parent makes {@code /tmp/x/..} anything), a NUL (C strings end there), a
 * backslash (a separator on Windows guests, a name character on Linux), or a relative path.
 * Double slashes and {@code .} segments are harmless and collapsed. Symlinks inside the guest are
 * not seen from here: {@code /tmp/link -> /etc} passes a {@code /tmp} rule.
 */
public final class GuestPaths {
  private GuestPaths() {}

  /** A normalised path, or the reason it cannot be judged. */
  public record Normalised(String path, String refusal) {
    /** Whether the path could be normalised. */
    public boolean ok() {
      return refusal == null;
    }
  }

  /** {@code path} without double slashes, {@code .} segments or a trailing slash. */
  public static Normalised normalise(String path) {
    if (path == null || path.isEmpty()) {
      return new Normalised(null, "the path is empty");
    }
    if (path.indexOf('\0') >= 0) {
      return new Normalised(null, "the path contains a NUL byte");
    }
    if (path.indexOf('\\') >= 0) {
      return new Normalised(null, "the path contains a backslash");
    }
    if (path.charAt(0) != '/') {
      return new Normalised(null, "the path is not absolute");
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        return new Normalised(null, "the path contains '..'");
      }
      parts.add(part);
    }
    return new Normalised("/" + String.join("/", parts), null);
  }

  /** Whether normalised {@code path} is {@code prefix} or lies below it (whole segments). */
  public static boolean under(String path, String prefix) {
    if (prefix.equals("/")) {
      return true;
    }
    return path.equals(prefix) || path.startsWith(prefix) && path.charAt(prefix.length()) == '/';
  }

  /** A prefix from a policy file, normalised; throws for a prefix that cannot be. */
  public static String prefix(String prefix) {
    Normalised n = normalise(prefix);
    if (!n.ok()) {
      throw new IllegalArgumentException("path prefix '" + prefix + "': " + n.refusal());
    }
    return n.path();
  }
}
