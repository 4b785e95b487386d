package io.quantix.agent.testkit.internal;

import io.quantix.agent.testkit.internal.BuiltInShell.Sink;
import io.quantix.agent.testkit.internal.BuiltInShell.Stalled;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The built-in {@code test} and {@code [}: one expression, optionally negated with {@code !}:
 * {@code -n S}, {@code -z S}, {@code S}, {@code S = S}, {@code S != S}, integer comparisons
 * ({@code -eq -ne -lt -le -gt -ge}) and file tests on the sandbox ({@code -e -f -d -s}). Not API.
 */
final class Test {
  private Test() {}

  static int bracket(BuiltInShell sh, List<String> args, Sink err) throws Stalled {
    if (args.isEmpty() || !args.get(args.size() - 1).equals("]")) {
      return BuiltInCommands.fail(err, "sh: 1: [: missing ]", 2);
    }
    return run(sh, args.subList(0, args.size() - 1), err);
  }

  static int run(BuiltInShell sh, List<String> args, Sink err) throws Stalled {
    boolean negate = !args.isEmpty() && args.get(0).equals("!");
    List<String> expr = negate ? args.subList(1, args.size()) : args;
    Boolean result = evaluate(sh, expr);
    if (result == null) {
      return BuiltInCommands.fail(err, "sh: 1: test: unexpected operator", 2);
    }
    return result != negate ? 0 : 1;
  }

  private static Boolean evaluate(BuiltInShell sh, List<String> e) {
    switch (e.size()) {
      case 0:
        return false;
      case 1:
        return !e.get(0).isEmpty();
      case 2:
        return unary(sh, e.get(0), e.get(1));
      case 3:
        return binary(e.get(0), e.get(1), e.get(2));
      default:
        return null;
    }
  }

  private static Boolean unary(BuiltInShell sh, String op, String value) {
    switch (op) {
      case "-n": return !value.isEmpty();
      case "-z": return value.isEmpty();
      case "-e": case "-f": case "-d": case "-s":
        try {
          Path path = sh.hostPath(value);
          return switch (op) {
            case "-e" -> Files.exists(path, LinkOption.NOFOLLOW_LINKS);
            case "-f" -> Files.isRegularFile(path);
            case "-d" -> Files.isDirectory(path);
            default -> Files.isRegularFile(path) && Files.size(path) > 0;
          };
        } catch (GuestError | java.io.IOException e) {
          return false;
        }
      default: return null;
    }
  }

  private static Boolean binary(String left, String op, String right) {
    switch (op) {
      case "=": case "==": return left.equals(right);
      case "!=": return !left.equals(right);
      default:
        break;
    }
    long a;
    long b;
    try {
      a = Long.parseLong(left.trim());
      b = Long.parseLong(right.trim());
    } catch (NumberFormatException e) {
      return null;
    }
    return switch (op) {
      case "-eq" -> a == b;
      case "-ne" -> a != b;
      case "-lt" -> a < b;
      case "-le" -> a <= b;
      case "-gt" -> a > b;
      case "-ge" -> a >= b;
      default -> null;
    };
  }
}
