package io.quantix.agent.framing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak checks of the framing tests can fail: a buffer dropped unreleased is reported. */
class LeakDetectionTest {

  @Test
  void aLeakedBufferIsReported() {
    Leaks.reset();
    leakOne();

    assertThat(Leaks.collect())
        .as("Netty's leak detector reported the buffer dropped unreleased")
        .anySatisfy(report -> assertThat(report).contains("ByteBuf").contains("leakOne"));
  }

  @Test
  void releasedBuffersAreNotReported() {
    Leaks.reset();
    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(64);
    buf.writeLong(1);
    buf.release();

    Leaks.assertNone();
  }

  private static void leakOne() {
    ByteBuf leaked = ByteBufAllocator.DEFAULT.directBuffer(64);
    leaked.writeLong(42);
  }
}
