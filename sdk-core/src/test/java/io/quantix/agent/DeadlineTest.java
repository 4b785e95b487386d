package io.quantix.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlineTest {

  @Test
  void expiresOnlyAfterItsDuration() {
    Deadline d = Deadline.after(Duration.ofHours(1));
    assertThat(d.isExpired()).isFalse();
    assertThat(d.remaining(TimeUnit.MINUTES)).isBetween(59L, 60L);
    assertThat(Deadline.after(Duration.ZERO).isExpired()).isTrue();
    assertThat(Deadline.after(Duration.ofSeconds(-5)).remaining()).isEqualTo(Duration.ZERO);
  }

  @Test
  void huge_durations_do_not_overflow() {
    Deadline d = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE));
    assertThat(d.isExpired()).isFalse();
    assertThat(Deadline.after(Duration.ofSeconds(Long.MIN_VALUE)).isExpired()).isTrue();
  }

  @Test
  void minimumAndShare() {
    Deadline near = Deadline.after(Duration.ofSeconds(1));
    Deadline far = Deadline.after(Duration.ofSeconds(100));
    assertThat(near.minimum(far)).isSameAs(near);
    assertThat(far.minimum(near)).isSameAs(near);
    assertThat(far.share(4).remaining(TimeUnit.SECONDS)).isBetween(24L, 25L);
    assertThatThrownBy(() -> far.share(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
