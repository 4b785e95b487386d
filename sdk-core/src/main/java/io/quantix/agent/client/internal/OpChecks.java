package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import java.time.Duration;

/** Argument checks of the operation groups, on top of {@link Checks}; all INVALID_ARGUMENT. */
final class OpChecks {
  private OpChecks() {}

  /** Unix permission bits: 0 (the guest's default) to 07777. */
  static int mode(int mode) {
    if (mode < 0 || mode > 07777) {
      throw Checks.invalid("mode must be within 0..07777, was 0" + Integer.toOctalString(mode));
    }
    return mode;
  }

  /** An absolute guest path that is not a filesystem root. */
  static String notRoot(String path, String what) {
    Checks.absolutePath(path, what);
    String trimmed = path.replaceAll("[/\\\\]+$", "");
    boolean root = trimmed.isEmpty() || trimmed.matches("[A-Za-z]:");
    if (root) {
      throw Checks.invalid(what + " '" + path + "' is a filesystem root: refusing to delete it");
    }
    return path;
  }

  /** A value within {@code min..max}. */
  static int range(int value, int min, int max, String what) {
    if (value < min || value > max) {
      throw Checks.invalid(what + " must be within " + min + ".." + max + ", was " + value);
    }
    return value;
  }

  /** A duration of whole seconds within {@code min..max}. */
  static Duration seconds(Duration value, Duration min, Duration max, String what) {
    Checks.notNull(value, what);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw Checks.invalid(what + " must be within " + min.toSeconds() + ".." + max.toSeconds()
          + " s, was " + value);
    }
    return value;
  }

  /** Free text without NUL, at most {@code maxLength} characters; null is refused. */
  static String boundedText(String value, int maxLength, String what) {
    Checks.text(value, what);
    if (value.length() > maxLength) {
      throw Checks.invalid(what + " is longer than " + maxLength + " characters");
    }
    return value;
  }

  /** Free text that also has no line breaks (it ends up on one line of a guest command). */
  static String singleLine(String value, int maxLength, String what) {
    boundedText(value, maxLength, what);
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw Checks.invalid(what + " contains a line break");
    }
    return value;
  }

  /** A service name: non-blank, single line, no NUL or '/'. */
  static String serviceName(String name) {
    singleLine(name, 256, "service name");
    if (name.isBlank()) {
      throw Checks.invalid("service name is blank");
    }
    if (name.indexOf('/') >= 0) {
      throw Checks.invalid("service name '" + name + "' contains '/'");
    }
    return name;
  }
}
