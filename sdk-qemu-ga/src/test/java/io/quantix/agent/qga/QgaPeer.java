package io.quantix.agent.qga;

import io.quantix.agent.transport.Endpoint;

/** What the contract tests need from a qemu-ga: its channel, whether it lives, a slow command. */
interface QgaPeer extends AutoCloseable {
  Endpoint endpoint();

  /** Whether it still serves and no client left a reply unread. */
  boolean healthy();

  /** Makes the next guest-file-read slow; the returned runnable lets it finish. */
  Runnable slowFileRead();

  @Override
  void close();
}
