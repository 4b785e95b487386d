package io.quantix.agent.client.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Sequence numbers of pings, callers' and the SDK's own probes alike: one space, so no two pings
 * in flight carry the same number and a pong names the ping it answers.
 */
final class PingSequence {
  private static final AtomicLong NEXT = new AtomicLong();

  private PingSequence() {}

  static long next() {
    return NEXT.incrementAndGet();
  }
}
