package io.quantix.agent.transport.virtio;

import io.quantix.agent.transport.virtio.internal.ChannelLocks;
import java.nio.file.Path;

/**
 * Run in a second JVM by the lock tests: takes the lock of a channel, says so on stdout, and holds
 * it until its stdin closes.
 */
public final class LockHolderMain {
  private LockHolderMain() {}

  /** {@code LockHolderMain <lock directory> <socket path>}. */
  public static void main(String[] args) throws Exception {
    ChannelLocks.Held held = ChannelLocks.acquire(Path.of(args[0]), Path.of(args[1]));
    System.out.println("LOCKED " + ProcessHandle.current().pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // hold the lock until the parent closes our stdin
    }
    held.release();
  }
}
