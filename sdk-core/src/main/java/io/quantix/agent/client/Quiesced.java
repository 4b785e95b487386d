package io.quantix.agent.client;

import java.time.Instant;
import java.util.List;

/**
 * Filesystems the guest froze, and when it will thaw them by itself.
 *
 * <pre>{@code
 * Quiesced q = client.snapshots().quiesce(QuiesceSpec.allFilesystems()).join();
 * try { takeSnapshot(); } finally { client.snapshots().thaw().join(); }
 * }</pre>
 *
 * @param token the agent's token for this freeze (it does not check it on thaw)
 * @param filesystems the frozen filesystems
 * @param autoThawAt when the guest thaws by itself, on the guest's clock (which may be skewed);
 *     null if the agent did not say
 * @param autoThawEstimate the same on the host's clock, estimated conservatively: when the request
 *     was made plus the guest timeout
 */
public record Quiesced(String token, List<Filesystem> filesystems, Instant autoThawAt,
    Instant autoThawEstimate) {

  /** Copies the list. */
  public Quiesced {
    filesystems = List.copyOf(filesystems);
  }

  /**
   * One filesystem of a freeze.
   *
   * @param mountPoint where it is mounted
   * @param device its block device
   * @param type its filesystem type (ext4, xfs...)
   * @param frozen whether it was frozen
   * @param error the guest's error when it was not
   */
  public record Filesystem(String mountPoint, String device, String type, boolean frozen,
      String error) {}
}
