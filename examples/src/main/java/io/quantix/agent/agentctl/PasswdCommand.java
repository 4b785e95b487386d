package io.quantix.agent.agentctl;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl passwd USER}: sets a guest user's password. The password comes from stdin or a
 * file only, never from the command line or the environment (both are visible to other users of
 * the host through {@code /proc}); it is never echoed, logged or printed, and its characters are
 * wiped from memory once sent.
 */
@Command(name = "passwd", description = {"Set a guest user's password.",
    "Reads the password from stdin (the first line; on a terminal it asks twice, without echo) "
        + "or from --password-file, never from arguments or the environment. The password is "
        + "never echoed, logged or printed."})
final class PasswdCommand extends AgentCommand {
  /** Longest password accepted (the guest's chpasswd takes one line). */
  static final int MAX_CHARS = 1024;

  @Parameters(paramLabel = "USER", description = "guest user name")
  String user;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "read the password from the first line of FILE (- for stdin)")
  Path file;

  @Option(names = "--expire", description = "make the user change it at the next login")
  boolean expire;

  @Override
  void check() {
    if (user.isBlank() || user.contains(":") || user.contains("\n")) {
      throw CliError.usage("'" + user + "' is not a user name");
    }
  }

  @Override
  int run(Target target) throws Exception {
    char[] password = read();
    try {
      Target.await(target.client().lifecycle().resetPassword(user, password, expire));
    } finally {
      Arrays.fill(password, '\0');
    }
    emit(Json.obj().put("user", user).put("expire", expire).put("changed", true),
        target.vmId() + ": password of " + user + " changed"
            + (expire ? " (to be changed at the next login)" : ""));
    return ExitCodes.OK;
  }

  private char[] read() throws IOException {
    char[] password;
    if (file != null && !file.toString().equals("-")) {
      try (InputStream in = Files.newInputStream(file)) {
        password = firstLine(in);
      }
    } else if (file == null && console().interactive() && console().in() == System.in
        && System.console() != null) {
      password = prompt();
    } else {
      password = firstLine(console().in());
    }
    if (password.length == 0) {
      throw CliError.usage("empty password: give it on stdin or in --password-file");
    }
    return password;
  }

  private char[] prompt() {
    java.io.Console c = System.console();
    char[] first = c.readPassword("New password for %s in %s: ", user, globals().endpoints());
    char[] again = c.readPassword("Again: ");
    try {
      if (first == null || again == null || !Arrays.equals(first, again)) {
        if (first != null) {
          Arrays.fill(first, '\0');
        }
        throw CliError.usage("the passwords differ");
      }
      return first;
    } finally {
      if (again != null) {
        Arrays.fill(again, '\0');
      }
    }
  }

  /** The first line of {@code in} (without its line end), read without intermediate strings. */
  static char[] firstLine(InputStream in) throws IOException {
    Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
    char[] buf = new char[MAX_CHARS + 1];
    int n = 0;
    int c;
    while ((c = r.read()) >= 0 && c != '\n') {
      if (n == buf.length) {
        Arrays.fill(buf, '\0');
        throw CliError.usage("the password is longer than " + MAX_CHARS + " characters");
      }
      buf[n++] = (char) c;
    }
    if (n > 0 && buf[n - 1] == '\r') {
      n--;
    }
    char[] password = Arrays.copyOf(buf, n);
    Arrays.fill(buf, '\0');
    return password;
  }
}
