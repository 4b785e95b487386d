package io.quantix.agent.qga;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * How a guest program ended ({@code guest-exec-status} once {@code exited}), its output decoded
 * from base64.
 *
 * <pre>{@code
 * QgaExecResult r = qga.exec(QgaExec.shell("echo hi; exit 3")).join();
 * r.exitCode();        // OptionalInt[3]
 * r.stdoutText();      // "hi\n"
 * }</pre>
 *
 * @param pid the guest process id
 * @param exit the exit code, or -1 if killed by a signal
 * @param sig the signal that killed it, or 0
 * @param stdout captured stdout (empty without capture)
 * @param stderr captured stderr
 * @param stdoutTruncated qemu-ga kept only the first 16 MiB of stdout
 * @param stderrTruncated qemu-ga kept only the first 16 MiB of stderr
 */
public record QgaExecResult(long pid, int exit, int sig, byte[] stdout, byte[] stderr,
    boolean stdoutTruncated, boolean stderrTruncated) {

  /** The exit code, if the program exited (not killed by a signal). */
  public OptionalInt exitCode() {
    return exit < 0 ? OptionalInt.empty() : OptionalInt.of(exit);
  }

  /** The signal that killed it, if one did. */
  public OptionalInt signal() {
    return sig == 0 ? OptionalInt.empty() : OptionalInt.of(sig);
  }

  /** Exit code 0. */
  public boolean succeeded() {
    return exit == 0 && sig == 0;
  }

  /** Stdout as UTF-8 text. */
  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  /** Stderr as UTF-8 text. */
  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "QgaExecResult[pid=" + pid + ", exit=" + exit + ", signal=" + sig + ", stdout="
        + stdout.length + " bytes, stderr=" + stderr.length + " bytes]";
  }
}
