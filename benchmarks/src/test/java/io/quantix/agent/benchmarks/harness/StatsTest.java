package io.quantix.agent.benchmarks.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void nearestRankPercentiles() {
    long[] samples = new long[100];
    for (int i = 0; i < 100; i++) {
      samples[i] = 100 - i;
    }
    assertThat(Stats.percentile(samples.clone(), 100, 50)).isEqualTo(50);
    assertThat(Stats.percentile(samples.clone(), 100, 99)).isEqualTo(99);
    assertThat(Stats.percentile(samples.clone(), 100, 100)).isEqualTo(100);
    assertThat(Stats.percentile(new long[] {7, 0, 0}, 1, 99)).isEqualTo(7);
    assertThatThrownBy(() -> Stats.percentile(new long[4], 0, 50))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void medianAndSpreadOfIterations() {
    Stats.Summary odd = Stats.Summary.of(List.of(3.0, 1.0, 2.0));
    assertThat(odd.median()).isEqualTo(2.0);
    assertThat(odd.min()).isEqualTo(1.0);
    assertThat(odd.max()).isEqualTo(3.0);
    assertThat(Stats.Summary.of(List.of(4.0, 1.0, 2.0, 3.0)).median()).isEqualTo(2.5);
  }

  @Test
  void framesAreSplitOnTheirLengthField() {
    byte[] stream = {0x51, 0x54, 0x58, 0x01, 0, 0, 0, 2, 9, 9, 0x51, 0x54, 0x58, 0x01, 0, 0, 0, 1};
    assertThat(FrameCapture.frames(stream)).hasSize(1);
    assertThat(FrameCapture.frames(stream).get(0)).hasSize(10);
  }
}
