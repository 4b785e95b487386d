package io.quantix.agent.internal;

import io.quantix.agent.AgentException;

/** Argument checks that fail with INVALID_ARGUMENT before any I/O. */
public final class Checks {
  private Checks() {}

  /** An INVALID_ARGUMENT failure. */
  public static AgentException invalid(String message) {
    return AgentException.invalidArgument(message);
  }

  /** Non-null text without NUL characters. */
  public static String text(String value, String what) {
    if (value == null) {
      throw invalid(what + " is null");
    }
    if (value.indexOf('\0') >= 0) {
      throw invalid(what + " contains a NUL character");
    }
    return value;
  }

  /** A guest path: absolute, no NUL, no {@code ..} component (the agent refuses them too). */
  public static String absolutePath(String path, String what) {
    text(path, what);
    if (path.isEmpty()) {
      throw invalid(what + " is empty");
    }
    boolean windowsAbsolute = path.length() >= 3 && Character.isLetter(path.charAt(0))
        && path.charAt(1) == ':' && (path.charAt(2) == '\\' || path.charAt(2) == '/');
    if (!path.startsWith("/") && !windowsAbsolute) {
      throw invalid(what + " '" + path + "' is relative: guest paths must be absolute");
    }
    for (String part : path.split("[/\\\\]")) {
      if (part.equals("..")) {
        throw invalid(what + " '" + path + "' contains '..'");
      }
    }
    return path;
  }

  /** A user or group name: non-empty, no NUL, no whitespace or ':'. */
  public static String name(String value, String what) {
    text(value, what);
    if (value.isEmpty()) {
      throw invalid(what + " is empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c) || c == ':' || c == '/') {
        throw invalid(what + " '" + value + "' contains '" + c + "'");
      }
    }
    return value;
  }

  /** Non-null. */
  public static <T> T notNull(T value, String what) {
    if (value == null) {
      throw invalid(what + " is null");
    }
    return value;
  }
}
