package io.quantix.agent.client;

import java.time.Duration;

/**
 * What a command did in the guest. A non-zero exit is a result, not an exception; so is a guest
 * timeout ({@link #timedOut()}, exit code -1).
 *
 * <pre>{@code
 * ExecResult r = client.exec(Exec.shell("uname -r")).join();
 * if (r.succeeded()) System.out.println(r.stdout().strip());
 * }</pre>
 *
 * @param exitCode the exit code, -1 on timeout or signal
 * @param stdout standard output (lossy UTF-8, as the agent decodes it)
 * @param stderr standard error
 * @param truncated whether either stream hit the output cap
 * @param timedOut whether the guest-side timeout killed the wait
 * @param duration how long the command ran, as the guest measured it
 */
public record ExecResult(int exitCode, String stdout, String stderr, boolean truncated,
    boolean timedOut, Duration duration) {

  /** Whether the command exited 0 and did not time out. */
  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }
}
