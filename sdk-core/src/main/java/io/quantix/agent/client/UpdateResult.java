package io.quantix.agent.client;

import java.time.Duration;

/**
 * The outcome of an agent update.
 *
 * @param targetVersion the version pushed
 * @param sha256 the binary's SHA-256 (lowercase hex), as computed by the SDK and verified by the
 *     agent
 * @param bytes bytes pushed
 * @param chunks requests used
 * @param reportedVersion the version the agent reported in its verdict (the one still running)
 * @param restartRequired whether the agent said a restart is needed to run the new binary
 * @param runningVersion the version announced by the restarted agent's AgentReady; null when the
 *     SDK did not restart it
 * @param duration wall time, restart included
 */
public record UpdateResult(String targetVersion, String sha256, long bytes, int chunks,
    String reportedVersion, boolean restartRequired, String runningVersion, Duration duration) {

  /** Whether the SDK restarted the agent and saw it come back with the target version. */
  public boolean restarted() {
    return runningVersion != null;
  }
}
