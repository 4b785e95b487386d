package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * How to update the agent: chunk size, progress, and whether (and how) to restart it afterwards.
 * The agent replaces its binary but does not restart itself; with a restart the SDK runs the
 * restart command detached through exec and waits for the next AgentReady to report the new
 * version. Immutable.
 *
 * <pre>{@code
 * UpdateOptions opts = UpdateOptions.DEFAULT.withRestart(Duration.ofMinutes(2));
 * UpdateResult r = client.updates().push(Path.of("quantix-kvm-agent"), "0.1.28", opts).join();
 * }</pre>
 */
public final class UpdateOptions {
  /** Default chunk: 1 MiB. */
  public static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;
  /** Largest chunk: 8 MiB, well inside the 16 MiB frame limit. */
  public static final int MAX_CHUNK_SIZE = 8 * 1024 * 1024;
  /** Default wait for the restarted agent's AgentReady: 2 min. */
  public static final Duration DEFAULT_RESTART_TIMEOUT = Duration.ofMinutes(2);
  /**
   * The default restart command, for the agent's systemd unit; {@code --no-block} so that
   * systemctl does not wait on the agent it is about to stop.
   */
  public static final Exec DEFAULT_RESTART_COMMAND =
      Exec.program("systemctl", "--no-block", "restart", "quantix-kvm-agent").detached();
  /** Defaults: 1 MiB chunks, no progress, no restart. */
  public static final UpdateOptions DEFAULT = new UpdateOptions(DEFAULT_CHUNK_SIZE,
      TransferProgress.NONE, null, DEFAULT_RESTART_TIMEOUT);

  private final int chunkSize;
  private final TransferProgress progress;
  private final Exec restartCommand;
  private final Duration restartTimeout;

  private UpdateOptions(int chunkSize, TransferProgress progress, Exec restartCommand,
      Duration restartTimeout) {
    this.chunkSize = chunkSize;
    this.progress = progress;
    this.restartCommand = restartCommand;
    this.restartTimeout = restartTimeout;
  }

  /** Bytes per request, 1 byte..8 MiB. */
  public UpdateOptions withChunkSize(int chunkSize) {
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw Checks.invalid("chunk size must be 1.." + MAX_CHUNK_SIZE + ", was " + chunkSize);
    }
    return new UpdateOptions(chunkSize, progress, restartCommand, restartTimeout);
  }

  /** Progress callback, after every acknowledged chunk. */
  public UpdateOptions withProgress(TransferProgress progress) {
    return new UpdateOptions(chunkSize, Objects.requireNonNull(progress, "progress"),
        restartCommand, restartTimeout);
  }

  /** Restarts with {@link #DEFAULT_RESTART_COMMAND}, waiting up to {@code timeout} for it. */
  public UpdateOptions withRestart(Duration timeout) {
    return withRestart(DEFAULT_RESTART_COMMAND, timeout);
  }

  /**
   * Restarts with {@code command} (always run detached, as it stops the agent that runs it),
   * waiting up to {@code timeout} (1 s..30 min) for the new agent's AgentReady.
   */
  public UpdateOptions withRestart(Exec command, Duration timeout) {
    Checks.notNull(command, "restart command");
    Checks.notNull(timeout, "restart timeout");
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(Duration.ofMinutes(30)) > 0) {
      throw Checks.invalid("restart timeout must be within 1 s..30 min, was " + timeout);
    }
    return new UpdateOptions(chunkSize, progress,
        command.isDetached() ? command : command.detached(), timeout);
  }

  /** Leaves the agent running its old binary until something restarts it. */
  public UpdateOptions withoutRestart() {
    return new UpdateOptions(chunkSize, progress, null, restartTimeout);
  }

  /** Bytes per request. */
  public int chunkSize() {
    return chunkSize;
  }

  /** Progress callback. */
  public TransferProgress progress() {
    return progress;
  }

  /** Whether the SDK restarts the agent after a successful update. */
  public boolean restart() {
    return restartCommand != null;
  }

  /** The restart command (detached), or null without restart. */
  public Exec restartCommand() {
    return restartCommand;
  }

  /** How long to wait for the restarted agent. */
  public Duration restartTimeout() {
    return restartTimeout;
  }

  @Override
  public String toString() {
    return "UpdateOptions{chunkSize=" + chunkSize + (restartCommand == null ? ", no restart"
        : ", restart=" + restartCommand + " within " + restartTimeout) + '}';
  }
}
