package io.quantix.agent.testkit.internal;

import io.quantix.agent.testkit.internal.ShellSyntax.Command;
import io.quantix.agent.testkit.internal.ShellSyntax.Part;
import io.quantix.agent.testkit.internal.ShellSyntax.Redirect;
import io.quantix.agent.testkit.internal.ShellSyntax.Step;
import io.quantix.agent.testkit.internal.ShellSyntax.Word;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one command of the built-in command set (see {@link BuiltInCommands}) inside the sandbox,
 * nothing on the host: a shell script parsed by {@link ShellSyntax}, or a program with its
 * arguments. Output goes to two capped sinks; like the agent, which reads stdout to its end before
 * stderr, a command that writes more than a pipe buffer (64 KiB) to stderr stalls ({@link
 * Stalled}). Runs on one worker thread; interrupting it kills the command. Not API.
 */
final class BuiltInShell {
  /** What a pipe holds before its writer blocks (Linux's default pipe buffer). */
  static final int PIPE_BUFFER = 64 * 1024;
  /** What a pipe between two built-in commands, or a file they write, holds at most. */
  static final int BUFFER_LIMIT = 16 * 1024 * 1024;

  /** A command stalled writing to a full pipe that nobody reads (until it is killed). */
  static final class Stalled extends Exception {
    Stalled() {
      super("stalled on a full stderr pipe", null, false, false);
    }
  }

  /** {@code exit N}: ends the script. */
  static final class Exit extends RuntimeException {
    final int status;

    Exit(int status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  /** Where a command's output goes. */
  interface Sink {
    void write(byte[] bytes) throws Stalled;
  }

  /** Keeps up to {@code cap} bytes; counts all; optionally stalls past one pipe buffer. */
  static final class Capture implements Sink {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int cap;
    private final boolean stallsWhenFull;
    private long total;

    Capture(int cap, boolean stallsWhenFull) {
      this.cap = cap;
      this.stallsWhenFull = stallsWhenFull;
    }

    @Override
    public synchronized void write(byte[] bytes) throws Stalled {
      int keep = (int) Math.min(bytes.length, Math.max(0, cap - kept.size()));
      kept.write(bytes, 0, keep);
      total += bytes.length;
      if (stallsWhenFull && total > PIPE_BUFFER) {
        throw new Stalled();
      }
    }

    synchronized byte[] bytes() {
      return kept.toByteArray();
    }

    synchronized boolean truncated() {
      return total > cap;
    }
  }

  private static final Sink DISCARD = bytes -> { };

  final Sandbox sandbox;
  final GuestInfo guest;
  final Map<String, String> env;
  final String user;
  final long pid;
  String cwd;
  int status;
  /** When a surrounding {@code timeout} ends the command ({@link System#nanoTime()}), or 0. */
  long deadlineNanos;

  BuiltInShell(Sandbox sandbox, GuestInfo guest, Map<String, String> env, String cwd, String user, long pid) {
    this.sandbox = sandbox;
    this.guest = guest;
    this.env = new HashMap<>(env);
    this.cwd = cwd;
    this.user = user;
    this.pid = pid;
  }

  /** Runs a shell script ({@code sh -c}); its exit status. */
  int script(String text, Sink out, Sink err) throws Stalled, InterruptedException {
    try {
      return steps(ShellSyntax.parse(text), out, err);
    } catch (ShellSyntax.SyntaxError e) {
      err.write(("sh: 1: " + e.getMessage() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return 2;
    } catch (Exit e) {
      return e.status;
    }
  }

  int steps(List<Step> steps, Sink out, Sink err) throws Stalled, InterruptedException {
    for (Step step : steps) {
      if ((step.joiner().equals("&&") && status != 0) || (step.joiner().equals("||") && status == 0)) {
        continue;
      }
      status = pipeline(step.pipeline().commands(), out, err);
    }
    return status;
  }

  private int pipeline(List<Command> commands, Sink out, Sink err) throws Stalled, InterruptedException {
    byte[] stdin = new byte[0];
    int last = 0;
    for (int i = 0; i < commands.size(); i++) {
      boolean isLast = i == commands.size() - 1;
      Buffer piped = isLast ? null : new Buffer();
      last = command(commands.get(i), stdin, isLast ? out : piped, err);
      stdin = isLast ? stdin : piped.bytes();
    }
    return last;
  }

  private int command(Command command, byte[] stdin, Sink out, Sink err) throws Stalled, InterruptedException {
    List<String> argv = new ArrayList<>();
    for (Word word : command.words()) {
      String expanded = expand(word);
      if (expanded != null) {
        argv.add(expanded);
      }
    }
    Sink[] fds = {null, out, err};
    byte[] input = stdin;
    List<Runnable> afterwards = new ArrayList<>();
    for (Redirect r : command.redirects()) {
      if (r.dupFd() >= 0) {
        if (r.dupFd() > 2 || r.fd() > 2) {
          err.write(bytes("sh: 1: Bad fd number\n"));
          return 2;
        }
        fds[r.fd()] = fds[r.dupFd()];
        continue;
      }
      String target = expand(r.target());
      if (r.op().equals("<")) {
        try {
          input = BuiltInCommands.readFile(this, target);
        } catch (IOException e) {
          err.write(bytes("sh: 1: cannot open " + target + ": No such file\n"));
          return 2;
        }
        continue;
      }
      Sink file;
      try {
        file = fileSink(target, r.op().equals(">>"), afterwards);
      } catch (IOException | GuestError e) {
        err.write(bytes("sh: 1: cannot create " + target + ": Directory nonexistent\n"));
        return 2;
      }
      if (r.fd() == -2) {
        fds[1] = file;
        fds[2] = file;
      } else if (r.fd() <= 2) {
        fds[r.fd()] = file;
      }
    }
    try {
      if (argv.isEmpty()) {
        return 0;
      }
      if (argv.size() == 1 && argv.get(0).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
        String assignment = argv.get(0);
        env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
        return 0;
      }
      return run(argv, input, fds[1], fds[2], true);
    } finally {
      afterwards.forEach(Runnable::run);
    }
  }

  /**
   * Runs one program of the command set; {@code fromShell} chooses how an unknown one fails: 127
   * with sh's message, or -1 (the caller reports a spawn failure).
   */
  int run(List<String> argv, byte[] stdin, Sink out, Sink err, boolean fromShell) throws Stalled, InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    String name = BuiltInCommands.programName(argv.get(0));
    if (name == null || !BuiltInCommands.NAMES.contains(name)) {
      if (!fromShell) {
        return -1;
      }
      err.write(bytes("sh: 1: " + argv.get(0) + ": not found\n"));
      return 127;
    }
    return BuiltInCommands.run(this, name, argv.subList(1, argv.size()), stdin, out, err);
  }

  private Sink fileSink(String target, boolean append, List<Runnable> afterwards) throws IOException, GuestError {
    if (target.equals("/dev/null")) {
      return DISCARD;
    }
    Path path = hostPath(target);
    if (!append || !Files.exists(path)) {
      Files.write(path, new byte[0]);
    }
    Buffer buffer = new Buffer();
    afterwards.add(() -> {
      try {
        Files.write(path, buffer.bytes(), StandardOpenOption.APPEND);
      } catch (IOException e) {
        // the command's status stands; the guest's file is what could be written
      }
    });
    return buffer;
  }

  /** The absolute, normalised guest path of {@code path} (relative to the working directory). */
  String guestPath(String path) {
    String joined = path.startsWith("/") ? path : (cwd.endsWith("/") ? cwd : cwd + "/") + path;
    List<String> parts = new ArrayList<>();
    for (String part : joined.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else {
        parts.add(part);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** The host path of a guest path inside the sandbox. */
  Path hostPath(String path) throws GuestError {
    return sandbox.resolve(guestPath(path));
  }

  private String expand(Word word) {
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    for (Part part : word.parts()) {
      quoted |= part.quoted();
      if (part.literal()) {
        out.append(part.text());
      } else {
        out.append(expandVariables(part.text()));
      }
    }
    return out.length() == 0 && !quoted ? null : out.toString();
  }

  private String expandVariables(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 >= text.length()) {
        out.append(c);
        continue;
      }
      char next = text.charAt(i + 1);
      if (next == '?') {
        out.append(status);
        i++;
      } else if (next == '$') {
        out.append(pid);
        i++;
      } else if (next == '{' && text.indexOf('}', i) > 0) {
        int end = text.indexOf('}', i);
        out.append(env.getOrDefault(text.substring(i + 2, end), ""));
        i = end;
      } else if (Character.isLetter(next) || next == '_') {
        int end = i + 1;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
          end++;
        }
        out.append(env.getOrDefault(text.substring(i + 1, end), ""));
        i = end - 1;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A pipe or file between built-in commands, bounded. */
  static final class Buffer implements Sink {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(byte[] data) {
      bytes.write(data, 0, Math.min(data.length, Math.max(0, BUFFER_LIMIT - bytes.size())));
    }

    byte[] bytes() {
      return bytes.toByteArray();
    }
  }
}
