package io.quantix.agent.agentctl;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writing a guest file under a temporary name and renaming it into place. The agent's protocol
 * has no rename, so the rename is the guest's own {@code mv -f}, run without a shell (no quoting
 * issues); within one directory it is an atomic {@code rename(2)}.
 */
final class GuestRename {
  /** Deadline of the rename and of the clean-up delete. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
  /** How long a Ctrl-C waits for the clean-up before the JVM exits. */
  private static final Duration ON_EXIT = Duration.ofSeconds(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private GuestRename() {}

  /** {@code /dir/.name.agentctl-1a2b3c4d.part} beside {@code path} (same directory, same mount). */
  static String temporaryName(String path) {
    int slash = path.lastIndexOf('/');
    byte[] tag = new byte[4];
    RANDOM.nextBytes(tag);
    return path.substring(0, slash + 1) + "." + path.substring(slash + 1) + ".agentctl-"
        + HexFormat.of().formatHex(tag) + ".part";
  }

  /** Renames {@code from} over {@code to} in the guest; a failure is the guest's (exit 5). */
  static void rename(AgentClient client, String from, String to) throws Exception {
    ExecResult r = Target.await(client.exec(Exec.program("mv", List.of("-f", "--", from, to))
        .withTimeout(STEP_TIMEOUT)));
    if (r.exitCode() != 0) {
      throw AgentException.remote("rename " + from + " to " + to,
          "mv exited " + r.exitCode() + ": " + r.stderr().strip());
    }
  }

  /**
   * Deletes {@code path} if the JVM exits (Ctrl-C, SIGTERM) while {@code work} runs: the work is
   * cancelled first, so no chunk lands after the delete.
   */
  static Cleanup deleteOnExit(AgentClient client, String path, CompletableFuture<?> work) {
    Cleanup c = new Cleanup(client, path, work);
    Runtime.getRuntime().addShutdownHook(c.hook);
    return c;
  }

  /** A pending clean-up: run it on failure, disarm it when done. */
  static final class Cleanup {
    private final AgentClient client;
    private final String path;
    private final CompletableFuture<?> work;
    private final Thread hook;
    private boolean cleaned;

    private Cleanup(AgentClient client, String path, CompletableFuture<?> work) {
      this.client = client;
      this.path = path;
      this.work = work;
      this.hook = new Thread(this::onExit, "agentctl-delete-partial");
    }

    private void onExit() {
      cleanOnce(ON_EXIT);
    }

    /** Deletes the temporary file now (after a failure); never throws. */
    void now() {
      cleanOnce(STEP_TIMEOUT);
    }

    /**
     * Cancels the work and deletes the file, once: a Ctrl-C makes both the shutdown hook and the
     * failing main thread get here, and the second waits for the first, so the registry is not
     * closed under a delete still in flight and the JVM does not halt before it ends.
     */
    private synchronized void cleanOnce(Duration wait) {
      if (cleaned) {
        return;
      }
      cleaned = true;
      work.cancel(true);
      if (client.status().isConnected()) {
        deleteQuietly(wait);
      }
    }

    private void deleteQuietly(Duration wait) {
      try {
        client.withTimeout(wait).files().delete(path).get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // Nothing written yet, or the guest is gone: nothing left to delete, or nothing to tell.
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** The work ended: no clean-up at exit. */
    void disarm() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook is running
      }
    }
  }
}
