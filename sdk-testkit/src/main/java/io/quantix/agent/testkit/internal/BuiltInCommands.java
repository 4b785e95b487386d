package io.quantix.agent.testkit.internal;

import static io.quantix.agent.testkit.internal.BuiltInShell.bytes;

import io.quantix.agent.testkit.internal.BuiltInShell.Sink;
import io.quantix.agent.testkit.internal.BuiltInShell.Stalled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The built-in command set: what the fake guest can run without touching the host. Each command
 * works on the sandbox and the guest's identity only, with coreutils' wording for its errors. The
 * set: {@code : true false exit echo printf cat head wc sha256sum seq sleep timeout uname id whoami
 * hostname pwd cd env printenv test [ ls mkdir rm touch date nproc sh exec}. Not API.
 */
final class BuiltInCommands {
  static final Set<String> NAMES = Set.of(":", "true", "false", "exit", "echo", "printf", "cat", "head", "wc",
      "sha256sum", "seq", "sleep", "timeout", "uname", "id", "whoami", "hostname", "pwd", "cd", "env", "printenv",
      "test", "[", "ls", "mkdir", "rm", "touch", "date", "nproc", "sh", "exec");
  /** Where a program named by path is found. */
  private static final Set<String> BIN_DIRS = Set.of("/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin");
  /** The guest's accounts: name, uid (its primary group has the same name and id). */
  static final Map<String, Integer> USERS = Map.of("root", 0, "daemon", 1, "www-data", 33, "ubuntu", 1000,
      "nobody", 65534);

  private BuiltInCommands() {}

  /** The command a program name means ({@code /bin/echo} is {@code echo}), or null if none can. */
  static String programName(String program) {
    int slash = program.lastIndexOf('/');
    if (slash < 0) {
      return program;
    }
    String dir = slash == 0 ? "/" : program.substring(0, slash);
    return BIN_DIRS.contains(dir) ? program.substring(slash + 1) : null;
  }

  static int run(BuiltInShell sh, String name, List<String> args, byte[] stdin, Sink out, Sink err)
      throws Stalled, InterruptedException {
    switch (name) {
      case ":": case "true": return 0;
      case "false": return 1;
      case "exit": throw new BuiltInShell.Exit(args.isEmpty() ? sh.status : parseInt(args.get(0), 2) & 0xff);
      case "echo": return echo(args, out);
      case "printf": return Printf.run(args, out, err);
      case "cat": return cat(sh, args, stdin, out, err);
      case "head": return head(sh, args, stdin, out, err);
      case "wc": return wc(sh, args, stdin, out, err);
      case "sha256sum": return sha256sum(sh, args, stdin, out, err);
      case "seq": return seq(args, out, err);
      case "sleep": return Timing.sleep(sh, args, err);
      case "timeout": return Timing.timeout(sh, args, stdin, out, err);
      case "uname": return uname(sh, args, out);
      case "id": return id(sh, args, out, err);
      case "whoami": return line(out, sh.user);
      case "hostname": return line(out, sh.guest.settings().hostname());
      case "pwd": return line(out, sh.cwd);
      case "cd": return cd(sh, args, err);
      case "env": return env(sh, out);
      case "printenv": return printenv(sh, args, out);
      case "test": return Test.run(sh, args, err);
      case "[": return Test.bracket(sh, args, err);
      case "ls": return FileCommands.ls(sh, args, out, err);
      case "mkdir": return FileCommands.mkdir(sh, args, err);
      case "rm": return FileCommands.rm(sh, args, err);
      case "touch": return FileCommands.touch(sh, args, err);
      case "date": return date(args, out);
      case "nproc": return line(out, "2");
      case "sh": return shell(sh, args, stdin, out, err);
      default: // exec
        if (args.isEmpty()) {
          return 0;
        }
        throw new BuiltInShell.Exit(sh.run(args, stdin, out, err, true));
    }
  }

  static int line(Sink out, String text) throws Stalled {
    out.write(bytes(text + "\n"));
    return 0;
  }

  static int fail(Sink err, String message, int status) throws Stalled {
    err.write(bytes(message + "\n"));
    return status;
  }

  static int parseInt(String text, int fallback) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** A guest file's bytes; {@code /dev/null} is empty. */
  static byte[] readFile(BuiltInShell sh, String path) throws IOException {
    if (path.equals("/dev/null")) {
      return new byte[0];
    }
    try {
      Path host = sh.hostPath(path);
      if (Files.isDirectory(host)) {
        throw new IOException("Is a directory");
      }
      return Files.readAllBytes(host);
    } catch (GuestError e) {
      throw new NoSuchFileException(path);
    }
  }

  static String describe(IOException e) {
    return e instanceof NoSuchFileException ? "No such file or directory" : e.getMessage();
  }

  private static int echo(List<String> args, Sink out) throws Stalled {
    boolean newline = true;
    boolean escapes = false;
    int i = 0;
    while (i < args.size() && args.get(i).matches("-[neE]+")) {
      newline &= !args.get(i).contains("n");
      escapes = args.get(i).contains("e") || (escapes && !args.get(i).contains("E"));
      i++;
    }
    String text = String.join(" ", args.subList(i, args.size()));
    byte[] body = escapes ? Printf.unescape(text) : bytes(text);
    out.write(body);
    if (newline) {
      out.write(new byte[] {'\n'});
    }
    return 0;
  }

  private static int cat(BuiltInShell sh, List<String> args, byte[] stdin, Sink out, Sink err) throws Stalled {
    int status = 0;
    for (String file : args.isEmpty() ? List.of("-") : args) {
      try {
        out.write(file.equals("-") ? stdin : readFile(sh, file));
      } catch (IOException e) {
        status = fail(err, "cat: " + file + ": " + describe(e), 1);
      }
    }
    return status;
  }

  private static int head(BuiltInShell sh, List<String> args, byte[] stdin, Sink out, Sink err) throws Stalled {
    long count = 10;
    boolean bytesMode = false;
    String file = "-";
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if ((a.equals("-c") || a.equals("-n")) && i + 1 < args.size()) {
        bytesMode = a.equals("-c");
        count = parseInt(args.get(++i), -1);
      } else if (a.matches("-[cn]\\d+")) {
        bytesMode = a.charAt(1) == 'c';
        count = parseInt(a.substring(2), -1);
      } else {
        file = a;
      }
    }
    if (count < 0) {
      return fail(err, "head: invalid number of " + (bytesMode ? "bytes" : "lines"), 1);
    }
    if (bytesMode && (file.equals("/dev/zero") || file.equals("/dev/urandom"))) {
      byte[] data = new byte[(int) Math.min(count, BuiltInShell.BUFFER_LIMIT)];
      if (file.equals("/dev/urandom")) {
        new java.util.Random(count).nextBytes(data);
      }
      out.write(data);
      return 0;
    }
    byte[] data;
    try {
      data = file.equals("-") ? stdin : readFile(sh, file);
    } catch (IOException e) {
      return fail(err, "head: cannot open '" + file + "' for reading: " + describe(e), 1);
    }
    int end = data.length;
    if (bytesMode) {
      end = (int) Math.min(count, data.length);
    } else {
      long lines = 0;
      for (int i = 0; i < data.length && lines < count; i++) {
        if (data[i] == '\n' && ++lines == count) {
          end = i + 1;
        }
      }
    }
    out.write(java.util.Arrays.copyOf(data, end));
    return 0;
  }

  private static int wc(BuiltInShell sh, List<String> args, byte[] stdin, Sink out, Sink err) throws Stalled {
    String flags = "";
    String file = null;
    for (String a : args) {
      if (a.startsWith("-")) {
        flags += a.substring(1);
      } else {
        file = a;
      }
    }
    byte[] data;
    try {
      data = file == null ? stdin : readFile(sh, file);
    } catch (IOException e) {
      return fail(err, "wc: " + file + ": " + describe(e), 1);
    }
    String text = new String(data, java.nio.charset.StandardCharsets.UTF_8);
    long lines = text.chars().filter(c -> c == '\n').count();
    long words = Stream.of(text.trim().split("\\s+")).filter(w -> !w.isEmpty()).count();
    StringBuilder line = new StringBuilder();
    if (flags.isEmpty() || flags.contains("l")) {
      line.append(lines).append(' ');
    }
    if (flags.isEmpty() || flags.contains("w")) {
      line.append(words).append(' ');
    }
    if (flags.isEmpty() || flags.contains("c")) {
      line.append(data.length).append(' ');
    }
    return line(out, (line.toString().trim() + (file == null ? "" : " " + file)));
  }

  private static int sha256sum(BuiltInShell sh, List<String> args, byte[] stdin, Sink out, Sink err) throws Stalled {
    int status = 0;
    for (String file : args.isEmpty() ? List.of("-") : args) {
      try {
        byte[] data = file.equals("-") ? stdin : readFile(sh, file);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        StringBuilder hex = new StringBuilder(64);
        for (byte b : digest.digest(data)) {
          hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        line(out, hex + "  " + file);
      } catch (IOException e) {
        status = fail(err, "sha256sum: " + file + ": " + describe(e), 1);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return status;
  }

  private static int seq(List<String> args, Sink out, Sink err) throws Stalled {
    if (args.isEmpty() || args.size() > 3) {
      return fail(err, "seq: missing operand", 1);
    }
    long first = args.size() > 1 ? parseInt(args.get(0), 1) : 1;
    long step = args.size() == 3 ? parseInt(args.get(1), 1) : 1;
    long last = parseInt(args.get(args.size() - 1), 0);
    if (step == 0) {
      return fail(err, "seq: invalid Zero increment value: '0'", 1);
    }
    StringBuilder chunk = new StringBuilder();
    for (long n = first; step > 0 ? n <= last : n >= last; n += step) {
      chunk.append(n).append('\n');
      if (chunk.length() >= 8192) {
        out.write(bytes(chunk.toString()));
        chunk.setLength(0);
      }
    }
    out.write(bytes(chunk.toString()));
    return 0;
  }

  private static int uname(BuiltInShell sh, List<String> args, Sink out) throws Stalled {
    AgentSettings s = sh.guest.settings();
    String flags = String.join("", args).replace("-", "");
    if (flags.isEmpty()) {
      flags = "s";
    }
    if (flags.contains("a")) {
      flags = "snrvmo";
    }
    StringBuilder line = new StringBuilder();
    for (char f : "snrvmpio".toCharArray()) {
      if (flags.indexOf(f) < 0) {
        continue;
      }
      String value = switch (f) {
        case 's' -> "Linux";
        case 'n' -> s.hostname();
        case 'r' -> s.kernelVersion();
        case 'v' -> "#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023";
        case 'o' -> "GNU/Linux";
        default -> s.architecture();
      };
      line.append(line.length() == 0 ? "" : " ").append(value);
    }
    return line(out, line.toString());
  }

  private static int id(BuiltInShell sh, List<String> args, Sink out, Sink err) throws Stalled {
    String flags = "";
    String who = sh.user;
    for (String a : args) {
      if (a.startsWith("-")) {
        flags += a.substring(1);
      } else {
        who = a;
      }
    }
    Integer uid = USERS.get(who);
    if (uid == null) {
      return fail(err, "id: '" + who + "': no such user", 1);
    }
    boolean names = flags.contains("n");
    if (flags.contains("u") || flags.contains("g")) {
      return line(out, names ? who : String.valueOf(uid));
    }
    return line(out, "uid=" + uid + "(" + who + ") gid=" + uid + "(" + who + ") groups=" + uid + "(" + who + ")");
  }

  private static int cd(BuiltInShell sh, List<String> args, Sink err) throws Stalled {
    String target = args.isEmpty() ? sh.env.getOrDefault("HOME", "/") : args.get(0);
    try {
      if (Files.isDirectory(sh.hostPath(target))) {
        sh.cwd = sh.guestPath(target);
        return 0;
      }
    } catch (GuestError e) {
      // reported below
    }
    return fail(err, "sh: 1: cd: can't cd to " + target, 2);
  }

  private static int env(BuiltInShell sh, Sink out) throws Stalled {
    StringBuilder all = new StringBuilder();
    new TreeMap<>(sh.env).forEach((k, v) -> all.append(k).append('=').append(v).append('\n'));
    out.write(bytes(all.toString()));
    return 0;
  }

  private static int printenv(BuiltInShell sh, List<String> args, Sink out) throws Stalled {
    if (args.isEmpty()) {
      return env(sh, out);
    }
    String value = sh.env.get(args.get(0));
    return value == null ? 1 : line(out, value);
  }

  private static int date(List<String> args, Sink out) throws Stalled {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    if (!args.isEmpty() && args.get(0).equals("+%s")) {
      return line(out, String.valueOf(now.toEpochSecond()));
    }
    return line(out, now.format(DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy", Locale.ROOT)));
  }

  private static int shell(BuiltInShell sh, List<String> args, byte[] stdin, Sink out, Sink err)
      throws Stalled, InterruptedException {
    if (args.size() >= 2 && args.get(0).equals("-c")) {
      BuiltInShell child = new BuiltInShell(sh.sandbox, sh.guest, sh.env, sh.cwd, sh.user, sh.pid + 1);
      child.deadlineNanos = sh.deadlineNanos;
      return child.script(args.get(1), out, err);
    }
    return fail(err, "sh: the built-in command set runs only 'sh -c SCRIPT'", 2);
  }
}
