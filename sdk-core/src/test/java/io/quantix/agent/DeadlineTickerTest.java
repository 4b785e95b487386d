package io.quantix.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlineTickerTest {
  private long now = 1_000;
  private final Ticker fake = () -> now;

  @Test
  void expiresWhenTheTickerReachesIt() {
    Deadline d = Deadline.after(Duration.ofSeconds(5), fake);
    assertThat(d.isExpired()).isFalse();
    assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(5));
    now += TimeUnit.SECONDS.toNanos(5) - 1;
    assertThat(d.isExpired()).isFalse();
    assertThat(d.remaining(TimeUnit.NANOSECONDS)).isEqualTo(1);
    now += 1;
    assertThat(d.isExpired()).isTrue();
    assertThat(d.remaining()).isZero();
    assertThat(d.ticker()).isSameAs(fake);
  }

  @Test
  void sharesTheTimeLeftOnTheSameTicker() {
    Deadline d = Deadline.after(Duration.ofSeconds(6), fake);
    now += TimeUnit.SECONDS.toNanos(2);
    Deadline share = d.share(2);
    assertThat(share.remaining()).isEqualTo(Duration.ofSeconds(2));
    assertThat(share.isBefore(d)).isTrue();
    assertThat(d.minimum(share)).isSameAs(share);
  }

  @Test
  void theSystemTickerIsTheDefault() {
    assertThat(Deadline.after(Duration.ofSeconds(1)).ticker()).isSameAs(Ticker.system());
  }
}
