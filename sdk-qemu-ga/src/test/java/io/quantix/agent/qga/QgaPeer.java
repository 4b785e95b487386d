package io.quantix.agent.qga;

import io.quantix.agent.transport.Endpoint;

/**
 * What the contract tests need from a qemu-ga: its channel, whether it lives, a slow command, and
 * where its files live. Public so that other modules' tests (the QEMU tier, through this module's
 * test-jar) run the same contract against a qemu-ga inside a real guest.
 */
public interface QgaPeer extends AutoCloseable {
  Endpoint endpoint();

  /**
   * A directory on the agent's side for the contract's files, which exists and is private to one
   * test. For an agent on this machine, the test's own temporary directory {@code hostDir}; for
   * one inside a guest, a directory in the guest (the guest's files are not the host's, so the
   * contract checks them through qemu-ga, never through {@link java.nio.file.Files}).
   */
  default String agentDir(java.nio.file.Path hostDir) {
    return hostDir.toString();
  }

  /**
   * Size of the file whose read must outlast a 300 ms deadline (MiB): 40 on this machine; a TCG
   * guest of 256 MiB is slow enough with less, and must hold the file and its base64 in memory.
   */
  default int slowReadMiB() {
    return 40;
  }

  /** Whether it still serves and no client left a reply unread. */
  boolean healthy();

  /** Makes the next guest-file-read slow; the returned runnable lets it finish. */
  Runnable slowFileRead();

  @Override
  void close();
}
