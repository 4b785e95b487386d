package io.quantix.agent.testkit.internal;

import io.quantix.agent.testkit.internal.BuiltInShell.Sink;
import io.quantix.agent.testkit.internal.BuiltInShell.Stalled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The built-in {@code ls}, {@code mkdir}, {@code rm} and {@code touch}, on the sandbox. Not API. */
final class FileCommands {
  private FileCommands() {}

  /** Splits leading {@code -xyz} flags from operands; returns the flags' letters. */
  private static String flags(List<String> args, List<String> operands) {
    StringBuilder flags = new StringBuilder();
    for (String a : args) {
      if (a.startsWith("-") && a.length() > 1 && operands.isEmpty()) {
        flags.append(a.substring(1));
      } else {
        operands.add(a);
      }
    }
    return flags.toString();
  }

  static int ls(BuiltInShell sh, List<String> args, Sink out, Sink err) throws Stalled {
    List<String> operands = new ArrayList<>();
    boolean all = flags(args, operands).contains("a");
    if (operands.isEmpty()) {
      operands.add(".");
    }
    int status = 0;
    StringBuilder listing = new StringBuilder();
    for (String operand : operands) {
      try {
        Path path = sh.hostPath(operand);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
          status = BuiltInCommands.fail(err, "ls: cannot access '" + operand + "': No such file or directory", 2);
          continue;
        }
        if (!Files.isDirectory(path)) {
          listing.append(operand).append('\n');
          continue;
        }
        try (Stream<Path> children = Files.list(path)) {
          children.map(p -> p.getFileName().toString()).filter(n -> all || !n.startsWith(".")).sorted()
              .forEach(n -> listing.append(n).append('\n'));
        }
      } catch (GuestError | IOException e) {
        status = BuiltInCommands.fail(err, "ls: cannot access '" + operand + "': " + e.getMessage(), 2);
      }
    }
    out.write(BuiltInShell.bytes(listing.toString()));
    return status;
  }

  static int mkdir(BuiltInShell sh, List<String> args, Sink err) throws Stalled {
    List<String> operands = new ArrayList<>();
    boolean parents = flags(args, operands).contains("p");
    int status = 0;
    for (String operand : operands) {
      try {
        Path path = sh.hostPath(operand);
        if (parents) {
          Files.createDirectories(path);
        } else {
          Files.createDirectory(path);
        }
      } catch (GuestError | IOException e) {
        status = BuiltInCommands.fail(err, "mkdir: cannot create directory '" + operand + "': "
            + (e instanceof IOException ? Sandbox.describe((IOException) e).replaceAll(" \\(os error \\d+\\)", "")
                : e.getMessage()), 1);
      }
    }
    return status;
  }

  static int rm(BuiltInShell sh, List<String> args, Sink err) throws Stalled {
    List<String> operands = new ArrayList<>();
    String flags = flags(args, operands);
    boolean recursive = flags.contains("r") || flags.contains("R");
    boolean force = flags.contains("f");
    int status = 0;
    for (String operand : operands) {
      try {
        Path path = sh.hostPath(operand);
        if (path.equals(sh.sandbox.root())) {
          status = BuiltInCommands.fail(err, "rm: it is dangerous to operate recursively on '/'", 1);
        } else if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
          status = force ? status : BuiltInCommands.fail(err, "rm: cannot remove '" + operand
              + "': No such file or directory", 1);
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && !recursive) {
          status = BuiltInCommands.fail(err, "rm: cannot remove '" + operand + "': Is a directory", 1);
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          Sandbox.deleteTree(path);
        } else {
          Files.delete(path);
        }
      } catch (GuestError | IOException e) {
        status = BuiltInCommands.fail(err, "rm: cannot remove '" + operand + "': " + e.getMessage(), 1);
      }
    }
    return status;
  }

  static int touch(BuiltInShell sh, List<String> args, Sink err) throws Stalled {
    int status = 0;
    for (String operand : args) {
      try {
        Path path = sh.hostPath(operand);
        if (Files.exists(path)) {
          Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } else {
          Files.write(path, new byte[0]);
        }
      } catch (GuestError | IOException e) {
        status = BuiltInCommands.fail(err, "touch: cannot touch '" + operand + "': No such file or directory", 1);
      }
    }
    return status;
  }
}
