package io.quantix.agent.policy.internal;

import io.quantix.agent.client.GuardVerdict;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Command allow and block lists, matched on argv[0] and, for anything a shell or interpreter will
 * parse, on the whole command. A shell string cannot be judged exactly from outside the guest, so
 * the rules lean to refusing: with a block list, a shell command that expands ({@code $},
 * backquotes) or starts another interpreter is refused, because either can build a blocked name
 * that no scan sees; with an allow list, the shell form is refused unless explicitly allowed, and
 * then every command position must be on the list. Block entries match by base name anywhere
 * ({@code /usr/bin/rm} blocks {@code rm} too); allow entries match exactly (a bare name only a bare
 * name, a path only that path), so an allowed {@code id} does not admit {@code /tmp/evil/id}.
 */
public final class CommandCheck {
  /** Programs that run their arguments as a shell script. */
  static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash",
      "csh", "tcsh", "fish", "busybox", "toybox", "cmd", "cmd.exe", "powershell", "pwsh");
  /** Interpreters that run code given in an argument. */
  static final Set<String> INTERPRETERS = Set.of("python", "python2", "python3", "perl", "ruby",
      "node", "nodejs", "php", "lua", "awk", "gawk", "mawk", "nawk", "tclsh", "expect",
      "osascript");
  /** Programs that run another program named in their arguments. */
  static final Set<String> WRAPPERS = Set.of("env", "sudo", "doas", "su", "runuser", "nice",
      "ionice", "nohup", "setsid", "stdbuf", "timeout", "time", "xargs", "chroot", "unshare",
      "nsenter", "strace", "ltrace", "taskset", "chrt", "flock", "watch", "exec", "command",
      "find", "parallel", "script", "systemd-run", "setpriv", "capsh", "firejail");
  private static final Set<String> INLINE_CODE_FLAGS = Set.of("-c", "-e", "-E", "--eval",
      "--command", "-r", "/c", "/C", "-Command");
  private static final String SEPARATORS = ";&|()<>{}`$=,";
  private static final Pattern SEGMENTS = Pattern.compile("\\|\\||&&|[;&|\\n(){}]");
  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");
  private static final Pattern CODE_FLAG = Pattern.compile("-[a-zA-Z]*[ce]");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private CommandCheck() {}

  /**
   * The verdict on {@code command} with {@code args} (empty: the agent runs {@code sh -c}).
   *
   * @param allowed allowed programs, or null for any
   * @param blocked blocked programs, by base name ({@link #baseNames})
   * @param shellAllowed whether shell strings and inline interpreter code may run
   */
  public static GuardVerdict check(String command, List<String> args, List<String> allowed,
      Set<String> blocked, boolean shellAllowed) {
    if (command.indexOf('\0') >= 0 || args.stream().anyMatch(a -> a.indexOf('\0') >= 0)) {
      // A C string ends at the NUL: the program run would not be the one judged here.
      return GuardVerdict.deny("commands.nul", "the command contains a NUL byte");
    }
    String argv0 = command;
    String base = baseName(argv0);
    String script = null;
    if (args.isEmpty()) {
      script = command;
    } else if (SHELLS.contains(base) || INTERPRETERS.contains(base) && inlineCode(args) >= 0) {
      int flag = inlineCode(args);
      script = String.join(" ", flag >= 0 ? args.subList(flag + 1, args.size()) : args);
    }
    if (script != null && !args.isEmpty() && blockedName(base, blocked) != null) {
      return GuardVerdict.deny("commands.block", "'" + argv0 + "' is blocked");
    }
    if (script != null) {
      return checkScript(script, allowed, blocked, shellAllowed);
    }
    String hit = blockedName(argv0, blocked);
    if (hit != null) {
      return GuardVerdict.deny("commands.block", "'" + argv0 + "' matches blocked '" + hit + "'");
    }
    if (WRAPPERS.contains(base)) {
      for (String arg : args) {
        String argBase = baseName(arg);
        hit = blockedName(arg, blocked);
        if (hit != null) {
          return GuardVerdict.deny("commands.block", "'" + argv0 + "' would run '" + arg
              + "', which matches blocked '" + hit + "'");
        }
        if (!shellAllowed && (SHELLS.contains(argBase) || INTERPRETERS.contains(argBase))) {
          return GuardVerdict.deny("commands.shell", "'" + argv0 + "' would run the "
              + "interpreter '" + arg + "' and shell commands are not allowed");
        }
      }
    }
    if (allowed != null && !isAllowed(argv0, allowed)) {
      return GuardVerdict.deny("commands.allow", "'" + argv0 + "' is not on the allow list");
    }
    return GuardVerdict.allow();
  }

  private static GuardVerdict checkScript(String script, List<String> allowed,
      Set<String> blocked, boolean shellAllowed) {
    if (!shellAllowed) {
      return GuardVerdict.deny("commands.shell", "shell commands are not allowed: '"
          + abbreviate(script) + "'");
    }
    boolean expands = script.indexOf('$') >= 0 || script.indexOf('`') >= 0;
    String plain = unquoted(script);
    if (!blocked.isEmpty() || allowed != null) {
      if (expands) {
        return GuardVerdict.deny("commands.shell", "the shell command expands ($ or `), which "
            + "could build a command no rule sees: '" + abbreviate(script) + "'");
      }
      for (String token : tokens(plain)) {
        String hit = blockedName(token, blocked);
        if (hit != null) {
          return GuardVerdict.deny("commands.block", "the shell command runs '" + token
              + "', which matches blocked '" + hit + "'");
        }
        String b = baseName(token);
        if (!blocked.isEmpty() && (SHELLS.contains(b) || INTERPRETERS.contains(b)
            || b.equals("eval") || b.equals("source") || b.equals("."))) {
          return GuardVerdict.deny("commands.shell", "the shell command starts '" + token
              + "', which could run a blocked command unseen");
        }
      }
    }
    if (allowed != null) {
      for (String segment : SEGMENTS.split(plain)) {
        String first = firstCommand(segment);
        if (first != null && !isAllowed(first, allowed)) {
          return GuardVerdict.deny("commands.allow", "the shell command runs '" + first
              + "', which is not on the allow list");
        }
      }
    }
    return GuardVerdict.allow();
  }

  /** {@code script} without quotes and backslashes: {@code r''m} and {@code r\m} are rm. */
  private static String unquoted(String script) {
    StringBuilder b = new StringBuilder(script.length());
    for (int i = 0; i < script.length(); i++) {
      char c = script.charAt(i);
      if (c != '\'' && c != '"' && c != '\\') {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The words of {@code plain}, split at whitespace and shell punctuation. */
  private static List<String> tokens(String plain) {
    List<String> out = new java.util.ArrayList<>();
    int start = -1;
    for (int i = 0; i <= plain.length(); i++) {
      boolean separator = i == plain.length() || Character.isWhitespace(plain.charAt(i))
          || SEPARATORS.indexOf(plain.charAt(i)) >= 0;
      if (separator) {
        if (start >= 0) {
          out.add(plain.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    return out;
  }

  /** The first word of a shell segment that is not a variable assignment, or null. */
  private static String firstCommand(String segment) {
    for (String word : WHITESPACE.split(segment.trim())) {
      if (word.isEmpty() || ASSIGNMENT.matcher(word).matches()) {
        continue;
      }
      return word;
    }
    return null;
  }

  /** The index of the flag that introduces inline code ({@code -c}, {@code -e}...), or -1. */
  private static int inlineCode(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      // Clustered short flags such as "-ec" or "-xc" end in the code flag too.
      if (INLINE_CODE_FLAGS.contains(a) || CODE_FLAG.matcher(a).matches()) {
        return i;
      }
    }
    return -1;
  }

  /** The base names of {@code programs}, for {@link #check}'s block list. */
  public static Set<String> baseNames(List<String> programs) {
    Set<String> names = new java.util.LinkedHashSet<>();
    for (String p : programs) {
      names.add(baseName(p));
    }
    return java.util.Collections.unmodifiableSet(names);
  }

  /** The blocked name {@code token} matches (by base name, globs included), or null. */
  static String blockedName(String token, Set<String> blocked) {
    if (blocked.isEmpty()) {
      return null;
    }
    String b = baseName(token);
    if (blocked.contains(b)) {
      return b;
    }
    if (b.indexOf('*') >= 0 || b.indexOf('?') >= 0 || b.indexOf('[') >= 0) {
      for (String name : blocked) {
        if (globMatches(b, name)) {
          return name;
        }
      }
    }
    return null;
  }

  private static boolean isAllowed(String program, List<String> allowed) {
    String normal = program;
    if (program.indexOf('/') >= 0) {
      GuestPaths.Normalised n = GuestPaths.normalise(program);
      if (!n.ok()) {
        return false;
      }
      normal = n.path();
    }
    return allowed.contains(normal);
  }

  /** The last path segment of {@code word}, lower-cased on neither side (Linux is exact). */
  static String baseName(String word) {
    String w = word;
    while (w.endsWith("/") && w.length() > 1) {
      w = w.substring(0, w.length() - 1);
    }
    int slash = w.lastIndexOf('/');
    return slash >= 0 ? w.substring(slash + 1) : w;
  }

  private static boolean globMatches(String glob, String name) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else if (c == '[' || c == ']') {
        re.append(c);
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    try {
      return name.matches(re.toString());
    } catch (java.util.regex.PatternSyntaxException e) {
      return true;  // an unparsable glob might match anything: treat it as a match
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
