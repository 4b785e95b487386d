package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run in the guest: a shell string ({@code sh -c}) or a program with arguments (no
 * shell), with environment, working directory, user, group, guest-side timeout and output cap.
 * Immutable; every {@code with...} returns a copy.
 *
 * <pre>{@code
 * Exec e = Exec.shell("df -h /").withTimeout(Duration.ofSeconds(10));
 * Exec argv = Exec.program("/usr/bin/id", "-u").asUser("nobody");
 * // Shields from the real agent's defects: no stderr stall, no command left running.
 * Exec safe = Exec.shell("make test").withStderrMerged().killingOnTimeout();
 * }</pre>
 */
public final class Exec {
  /** What the agent uses when the timeout is 0, and its cap: 300 s. */
  public static final Duration AGENT_MAX_TIMEOUT = Duration.ofSeconds(300);
  /** With {@link #killingOnTimeout()}: seconds between the guest's TERM and its KILL. */
  public static final int KILL_AFTER_SECONDS = 2;
  /** With {@link #killingOnTimeout()}: how much later than the guest's limit the agent's falls. */
  public static final int KILL_MARGIN_SECONDS = 3;

  private final String command;
  private final List<String> args;
  private final Map<String, String> environment;
  private final String workingDirectory;
  private final String user;
  private final String group;
  private final boolean supplementaryGroups;
  private final Duration timeout;
  private final int maxOutputBytes;
  private final boolean detached;
  private final boolean stderrMerged;
  private final boolean killOnTimeout;

  private Exec(String command, List<String> args, Map<String, String> environment,
      String workingDirectory, String user, String group, boolean supplementaryGroups,
      Duration timeout, int maxOutputBytes, boolean detached, boolean stderrMerged,
      boolean killOnTimeout) {
    this.command = command;
    this.args = args;
    this.environment = environment;
    this.workingDirectory = workingDirectory;
    this.user = user;
    this.group = group;
    this.supplementaryGroups = supplementaryGroups;
    this.timeout = timeout;
    this.maxOutputBytes = maxOutputBytes;
    this.detached = detached;
    this.stderrMerged = stderrMerged;
    this.killOnTimeout = killOnTimeout;
  }

  /** Runs {@code command} through the guest's shell. */
  public static Exec shell(String command) {
    Checks.text(command, "command");
    if (command.isBlank()) {
      throw Checks.invalid("command is blank");
    }
    return new Exec(command, List.of(), Map.of(), "", "", "", false, Duration.ZERO, 0, false, false,
        false);
  }

  /** Runs {@code program} directly with {@code args}, no shell involved. */
  public static Exec program(String program, String... args) {
    return program(program, Arrays.asList(Objects.requireNonNull(args, "args")));
  }

  /**
   * Runs {@code program} directly with {@code args}, no shell involved. The agent decides by the
   * argument list: with no arguments it hands {@code program} to the shell instead.
   */
  public static Exec program(String program, List<String> args) {
    Checks.text(program, "program");
    if (program.isBlank()) {
      throw Checks.invalid("program is blank");
    }
    Objects.requireNonNull(args, "args");
    for (String a : args) {
      Checks.text(a, "argument");
    }
    return new Exec(program, List.copyOf(args), Map.of(), "", "", "", false, Duration.ZERO, 0,
        false, false, false);
  }

  /** Adds an environment variable (added to the agent's inherited environment). */
  public Exec withEnv(String name, String value) {
    Checks.text(name, "environment name");
    Checks.text(value, "environment value");
    if (name.isEmpty() || name.indexOf('=') >= 0) {
      throw Checks.invalid("environment name '" + name + "' is empty or contains '='");
    }
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put(name, value);
    return new Exec(command, args, Collections.unmodifiableMap(env), workingDirectory, user, group,
        supplementaryGroups, timeout, maxOutputBytes, detached, stderrMerged, killOnTimeout);
  }

  /** Runs in {@code directory} (absolute guest path). */
  public Exec inDirectory(String directory) {
    Checks.absolutePath(directory, "working directory");
    return new Exec(command, args, environment, directory, user, group, supplementaryGroups,
        timeout, maxOutputBytes, detached, stderrMerged, killOnTimeout);
  }

  /** Runs as {@code user} (Unix guests), with the user's primary group. */
  public Exec asUser(String user) {
    Checks.name(user, "user");
    return new Exec(command, args, environment, workingDirectory, user, group,
        supplementaryGroups, timeout, maxOutputBytes, detached, stderrMerged, killOnTimeout);
  }

  /** Runs with {@code group} instead of the user's primary group. */
  public Exec asGroup(String group) {
    Checks.name(group, "group");
    return new Exec(command, args, environment, workingDirectory, user, group,
        supplementaryGroups, timeout, maxOutputBytes, detached, stderrMerged, killOnTimeout);
  }

  /** Also sets the user's supplementary groups. */
  public Exec withSupplementaryGroups(boolean enabled) {
    return new Exec(command, args, environment, workingDirectory, user, group, enabled, timeout,
        maxOutputBytes, detached, stderrMerged, killOnTimeout);
  }

  /**
   * The guest-side timeout, whole seconds, at most 300 s; zero means the agent's maximum (300 s).
   * The host deadline is derived from it unless the call sets its own.
   */
  public Exec withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.compareTo(AGENT_MAX_TIMEOUT) > 0) {
      throw Checks.invalid("exec timeout must be 0..300 s, was " + timeout);
    }
    return new Exec(command, args, environment, workingDirectory, user, group,
        supplementaryGroups, timeout, maxOutputBytes, detached, stderrMerged, killOnTimeout);
  }

  /** Caps each output stream at {@code bytes}; 0 means the agent's default (1 MiB). */
  public Exec withMaxOutputBytes(int bytes) {
    if (bytes < 0) {
      throw Checks.invalid("max output bytes must be >= 0, was " + bytes);
    }
    return new Exec(command, args, environment, workingDirectory, user, group,
        supplementaryGroups, timeout, bytes, detached, stderrMerged, killOnTimeout);
  }

  /** Starts the process and returns at once, without waiting for it or its output. */
  public Exec detached() {
    return new Exec(command, args, environment, workingDirectory, user, group,
        supplementaryGroups, timeout, maxOutputBytes, true, stderrMerged, killOnTimeout);
  }

  /**
   * Runs the command through the guest's shell with stderr merged into stdout ({@code 2>&1}), so
   * {@link ExecResult#stdout()} carries both, interleaved as written, and stderr is empty. This
   * avoids a defect of the real agent: it reads stdout to the end before stderr, so a command that
   * writes more than a pipe buffer (~64 KiB) to stderr while stdout is open stalls until the timeout
   * and is reported as timed out. Needs a POSIX {@code sh} in the guest.
   */
  public Exec withStderrMerged() {
    return new Exec(command, args, environment, workingDirectory, user, group,
        supplementaryGroups, timeout, maxOutputBytes, detached, true, killOnTimeout);
  }

  /**
   * Guarantees a command that times out does not keep running in the guest: it runs under the
   * guest's {@code timeout} utility ({@code timeout -k 2 <limit>}: TERM at the limit, KILL 2 s
   * later), and the agent's own limit is set {@value #KILL_MARGIN_SECONDS} s beyond it. The real
   * agent answers its own timeout but never kills the child. A run ended by the guest's
   * {@code timeout} (exit 124 or 137) is reported as {@link ExecResult#timedOut()}. The limit is at
   * most {@code 300 - }{@value #KILL_MARGIN_SECONDS} s. Needs coreutils' {@code timeout} (or
   * busybox's) in the guest; a command of its own that exits 124 reads as timed out too.
   */
  public Exec killingOnTimeout() {
    return new Exec(command, args, environment, workingDirectory, user, group,
        supplementaryGroups, timeout, maxOutputBytes, detached, stderrMerged, true);
  }

  /** Whether stderr is merged into stdout ({@link #withStderrMerged()}). */
  public boolean isStderrMerged() {
    return stderrMerged;
  }

  /** Whether a timed-out command is killed in the guest ({@link #killingOnTimeout()}). */
  public boolean killsOnTimeout() {
    return killOnTimeout;
  }

  /** The command the agent gets: {@link #command()}, wrapped for the shields asked for. */
  public String wireCommand() {
    if (!stderrMerged && !killOnTimeout) {
      return command;
    }
    String inner = args.isEmpty() ? command : "exec " + quoteAll(command, args);
    StringBuilder b = new StringBuilder();
    if (killOnTimeout) {
      b.append("timeout -k ").append(KILL_AFTER_SECONDS).append(' ').append(guestLimitSeconds())
          .append(" sh -c ").append(quote(inner));
    } else {
      b.append("sh -c ").append(quote(inner));
    }
    return stderrMerged ? b.append(" 2>&1").toString() : b.toString();
  }

  /** The arguments the agent gets: none when wrapped in the shell. */
  public List<String> wireArgs() {
    return stderrMerged || killOnTimeout ? List.of() : args;
  }

  /** The guest timeout the agent gets (with {@link #killingOnTimeout()}: beyond the guest's limit). */
  public Duration wireTimeout() {
    return killOnTimeout ? Duration.ofSeconds(guestLimitSeconds() + KILL_MARGIN_SECONDS) : timeout;
  }

  /** Whether exit code {@code code} means the guest's {@code timeout} ended the command. */
  public boolean killedByGuestTimeout(int code) {
    return killOnTimeout && (code == 124 || code == 137);
  }

  private long guestLimitSeconds() {
    return Math.min(effectiveTimeout().toSeconds(),
        AGENT_MAX_TIMEOUT.toSeconds() - KILL_MARGIN_SECONDS);
  }

  private static String quoteAll(String program, List<String> words) {
    StringBuilder b = new StringBuilder(quote(program));
    for (String w : words) {
      b.append(' ').append(quote(w));
    }
    return b.toString();
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** The shell string or program. */
  public String command() {
    return command;
  }

  /** Program arguments; empty for a shell command. */
  public List<String> args() {
    return args;
  }

  /** Extra environment. */
  public Map<String, String> environment() {
    return environment;
  }

  /** Working directory, or empty. */
  public String workingDirectory() {
    return workingDirectory;
  }

  /** User to run as, or empty. */
  public String user() {
    return user;
  }

  /** Group to run as, or empty. */
  public String group() {
    return group;
  }

  /** Whether supplementary groups are set. */
  public boolean supplementaryGroups() {
    return supplementaryGroups;
  }

  /** Guest timeout; zero means the agent's maximum. */
  public Duration timeout() {
    return timeout;
  }

  /** The timeout the agent will actually apply. */
  public Duration effectiveTimeout() {
    return timeout.isZero() ? AGENT_MAX_TIMEOUT : Duration.ofSeconds(Math.max(1, timeout.toSeconds()));
  }

  /** Output cap per stream; 0 = agent default. */
  public int maxOutputBytes() {
    return maxOutputBytes;
  }

  /** Whether the call returns without waiting for the process. */
  public boolean isDetached() {
    return detached;
  }

  @Override
  public String toString() {
    // Arguments can hold secrets: show the program and counts only.
    return "Exec{" + (args.isEmpty() ? "shell" : "program=" + command + ", args=" + args.size())
        + (user.isEmpty() ? "" : ", user=" + user) + ", timeout=" + timeout
        + (detached ? ", detached" : "") + (stderrMerged ? ", stderr merged" : "")
        + (killOnTimeout ? ", killed on timeout" : "") + '}';
  }
}
