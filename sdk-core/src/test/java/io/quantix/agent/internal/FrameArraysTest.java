package io.quantix.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FrameArraysTest {
  private static final int MIB = 1024 * 1024;

  @BeforeEach
  @AfterEach
  void empty() {
    FrameArrays.clear();
  }

  @Test
  void aShortFrameGetsANewArrayOfItsLength() {
    byte[] a = FrameArrays.lend(100);
    assertThat(a).hasSize(100);
    FrameArrays.giveBack(a);
    assertThat(FrameArrays.freeBytes()).isZero();
    assertThat(FrameArrays.lend(100)).isNotSameAs(a);
  }

  @Test
  void aLongFrameGetsItsSizeClassAndAGivenBackArrayComesRound() {
    byte[] a = FrameArrays.lend(MIB + 60);
    assertThat(a).hasSize(MIB + FrameArrays.GRANULE);
    FrameArrays.giveBack(a);
    assertThat(FrameArrays.freeBytes()).isEqualTo(a.length);
    // Another frame of the same class, a few bytes shorter: the same array, not a zeroed new one.
    assertThat(FrameArrays.lend(MIB + 1)).isSameAs(a);
    assertThat(FrameArrays.freeBytes()).isZero();
    // A different class does not take it.
    FrameArrays.giveBack(a);
    assertThat(FrameArrays.lend(MIB)).isNotSameAs(a).hasSize(MIB);
  }

  @Test
  void arraysNotOfASizeClassAreNotKept() {
    FrameArrays.giveBack(new byte[MIB + 1]);
    FrameArrays.giveBack(new byte[1000]);
    assertThat(FrameArrays.freeBytes()).isZero();
  }

  @Test
  void atMostTheLimitIsKept() {
    int arrays = (int) (FrameArrays.MAX_FREE_BYTES / MIB) + 5;
    for (int i = 0; i < arrays; i++) {
      FrameArrays.giveBack(new byte[MIB]);
    }
    assertThat(FrameArrays.freeBytes()).isEqualTo(FrameArrays.MAX_FREE_BYTES);
  }

  @Test
  void theLargestFrameHasAClass() {
    assertThat(FrameArrays.sizeClass(16 * MIB + 8)).isEqualTo(16 * MIB + FrameArrays.GRANULE);
    assertThat(FrameArrays.sizeClass(Integer.MAX_VALUE)).isLessThanOrEqualTo(Integer.MAX_VALUE - 8);
  }
}
