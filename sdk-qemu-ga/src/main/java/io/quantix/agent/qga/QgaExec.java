package io.quantix.agent.qga;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A program to run in the guest through {@code guest-exec}. Immutable: every {@code with...}
 * returns a copy. The program is found through qemu-ga's PATH when it is a bare name, starts in
 * {@code /}, and reads empty stdin unless {@link #withInput input} is given.
 *
 * <pre>{@code
 * QgaExecResult r = qga.exec(QgaExec.of("/bin/uname", "-a")).join();
 * QgaExecResult s = qga.exec(QgaExec.shell("df -h / | tail -1").withTimeout(Duration.ofSeconds(10))).join();
 * }</pre>
 */
public final class QgaExec {
  private final String path;
  private final List<String> args;
  private final Map<String, String> env;
  private final byte[] input;
  private final boolean captureOutput;
  private final Duration timeout;

  private QgaExec(String path, List<String> args, Map<String, String> env, byte[] input,
      boolean captureOutput, Duration timeout) {
    this.path = path;
    this.args = args;
    this.env = env;
    this.input = input;
    this.captureOutput = captureOutput;
    this.timeout = timeout;
  }

  /** {@code path} with {@code args}, output captured. */
  public static QgaExec of(String path, String... args) {
    Objects.requireNonNull(path, "path");
    if (path.isEmpty() || path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("exec path is empty or holds NUL");
    }
    for (String a : args) {
      if (a == null || a.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("exec argument is null or holds NUL");
      }
    }
    return new QgaExec(path, List.of(args), null, null, true, null);
  }

  /** {@code /bin/sh -c script}. */
  public static QgaExec shell(String script) {
    return of("/bin/sh", "-c", Objects.requireNonNull(script, "script"));
  }

  /** Replaces the guest program's whole environment with {@code variables} (qemu-ga's rule). */
  public QgaExec withEnvironment(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(variables);
    copy.forEach((k, v) -> {
      if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("bad environment variable name or value: " + k);
      }
    });
    return new QgaExec(path, args, copy, input, captureOutput, timeout);
  }

  /** Bytes for the program's stdin. */
  public QgaExec withInput(byte[] bytes) {
    return new QgaExec(path, args, env, bytes.clone(), captureOutput, timeout);
  }

  /** Text (UTF-8) for the program's stdin. */
  public QgaExec withInput(String text) {
    return withInput(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether to capture stdout and stderr (default true; qemu-ga keeps at most 16 MiB of each). */
  public QgaExec withCaptureOutput(boolean capture) {
    return new QgaExec(path, args, env, input, capture, timeout);
  }

  /** The deadline of the whole run (start, polls, output), instead of the client's. */
  public QgaExec withTimeout(Duration limit) {
    Objects.requireNonNull(limit, "timeout");
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("exec timeout must be positive: " + limit);
    }
    return new QgaExec(path, args, env, input, captureOutput, limit);
  }

  /** The program. */
  public String path() {
    return path;
  }

  /** Its arguments. */
  public List<String> args() {
    return args;
  }

  /** The environment that replaces the guest's, if set. */
  public Optional<Map<String, String>> environment() {
    return Optional.ofNullable(env);
  }

  /** Stdin bytes, if set (a copy). */
  public Optional<byte[]> input() {
    return input == null ? Optional.empty() : Optional.of(input.clone());
  }

  /** Whether output is captured. */
  public boolean captureOutput() {
    return captureOutput;
  }

  /** The run's own deadline, if set. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  @Override
  public String toString() {
    return "QgaExec[" + path + " " + args.size() + " args" + (input == null ? "" : ", "
        + input.length + " bytes of input") + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QgaExec e && path.equals(e.path) && args.equals(e.args)
        && Objects.equals(env, e.env) && Arrays.equals(input, e.input)
        && captureOutput == e.captureOutput && Objects.equals(timeout, e.timeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, args, env, Arrays.hashCode(input), captureOutput, timeout);
  }
}
