package io.quantix.agent.client.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Message ids: random UUID v4 strings like the agent's, without SecureRandom's cost. */
final class Ids {
  private Ids() {}

  static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }
}
