package io.quantix.agent.client;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Self-update of the guest agent through the protocol's update request: the SDK computes the
 * binary's SHA-256, pushes it in strictly sequential acknowledged chunks (chunk 0 starts the
 * update and carries the checksum and size; the last one makes the agent verify and install), and
 * reports the agent's verdict. The agent does not restart itself: with
 * {@link UpdateOptions#withRestart} the SDK runs the restart command detached and waits for the
 * next AgentReady to report the target version.
 *
 * <p>Failures: a rejected chunk, a failed verify (checksum mismatch) or a failed install is a
 * REMOTE_FAILURE carrying the guest's text; a restarted agent announcing another version than the
 * target (or none within the restart timeout) is a REMOTE_FAILURE naming both versions. Not
 * idempotent: no request is retried once it may have reached the agent, unless the client opts
 * in; a repeated update simply starts over at chunk 0. Capability {@code self_update} (and
 * {@code execute} for the restart). The agent's update state is global, so never run two updates
 * of one VM at once.
 *
 * <pre>{@code
 * UpdateResult r = client.updates().push(Path.of("dist/quantix-kvm-agent"), "0.1.28",
 *     UpdateOptions.DEFAULT.withRestart(Duration.ofMinutes(2))).join();
 * System.out.println("now running " + r.runningVersion());
 * }</pre>
 */
public interface AgentUpdates {

  /**
   * Pushes the binary at {@code binary} as version {@code targetVersion} (letters, digits and
   * {@code . _ + -}, at most 64, as it becomes part of a guest file name). The file is read twice:
   * once for the checksum, once to send it. Not idempotent: no request is retried once it may have
   * reached the agent (a repeated push starts over at chunk 0).
   */
  CompletableFuture<UpdateResult> push(Path binary, String targetVersion, UpdateOptions options);

  /**
   * Pushes {@code binary} (copied) as version {@code targetVersion}. Not idempotent, not retried
   * once it may have reached the agent; see {@link #push(Path, String, UpdateOptions)}.
   */
  CompletableFuture<UpdateResult> push(byte[] binary, String targetVersion, UpdateOptions options);
}
