package io.quantix.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SDK's event loops (and the fake agent's, which are the same) wait untimed while no timer is
 * pending, and still run every timer on time, on epoll and on NIO.
 */
class UntimedEventLoopTest {

  @ParameterizedTest(name = "native transport {0}")
  @ValueSource(booleans = {true, false})
  void anIdleLoopHasNoDeadlineAndAPendingTimerSetsIt(boolean preferNative) throws Exception {
    try (EventLoops loops = EventLoops.create(1, "untimed-test", preferNative)) {
      EventLoops.UntimedEventLoop loop = (EventLoops.UntimedEventLoop) loops.group().next();
      assertThat(loop.submit(loop::deadlineNanos).get(5, TimeUnit.SECONDS)).isEqualTo(-1L);
      assertThat(loop.submit(() -> loop.delayNanos(System.nanoTime())).get(5, TimeUnit.SECONDS))
          .isEqualTo(Long.MAX_VALUE);

      ScheduledFuture<?> timer = loop.schedule(() -> { }, 1, TimeUnit.HOURS);
      assertThat(loop.submit(loop::deadlineNanos).get(5, TimeUnit.SECONDS)).isNotEqualTo(-1L);
      assertThat(loop.submit(() -> loop.delayNanos(System.nanoTime())).get(5, TimeUnit.SECONDS))
          .isPositive().isLessThanOrEqualTo(TimeUnit.HOURS.toNanos(1));

      timer.cancel(false);
      assertThat(loop.submit(loop::deadlineNanos).get(5, TimeUnit.SECONDS)).isEqualTo(-1L);
    }
  }

  @ParameterizedTest(name = "native transport {0}")
  @ValueSource(booleans = {true, false})
  void timersScheduledOnAnIdleLoopStillFire(boolean preferNative) throws Exception {
    try (EventLoops loops = EventLoops.create(1, "untimed-test", preferNative)) {
      EventLoops.UntimedEventLoop loop = (EventLoops.UntimedEventLoop) loops.group().next();
      // Let the loop go to sleep with nothing pending first.
      loop.submit(() -> { }).get(5, TimeUnit.SECONDS);

      CountDownLatch fromOutside = new CountDownLatch(1);
      long start = System.nanoTime();
      loop.schedule(fromOutside::countDown, 20, TimeUnit.MILLISECONDS);
      assertThat(fromOutside.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));

      // Scheduled from the loop itself: no wake-up fd write, the loop must pick up the new deadline.
      CountDownLatch fromInside = new CountDownLatch(3);
      loop.execute(() -> loop.scheduleAtFixedRate(fromInside::countDown, 10, 10, TimeUnit.MILLISECONDS));
      assertThat(fromInside.await(5, TimeUnit.SECONDS)).isTrue();
    }
  }
}
