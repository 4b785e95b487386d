package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.quantix.agent.transport.EventLoops;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The registry's timer thread hands due tasks to their loop, and stops with its registry. */
@Timeout(30)
class LinkTimersTest {

  @Test
  void aDueTaskRunsOnItsLoopNotOnTheTimerThreadAndACancelledOneNever() throws Exception {
    try (EventLoops loops = EventLoops.create(1, "timers-test-io", true);
        LinkTimers timers = LinkTimers.newThread("timers-test-timer")) {
      EventLoop loop = loops.group().next();
      CountDownLatch ran = new CountDownLatch(1);
      AtomicBoolean onLoop = new AtomicBoolean();
      long start = System.nanoTime();
      timers.schedule(loop, () -> {
        onLoop.set(loop.inEventLoop());
        ran.countDown();
      }, TimeUnit.MILLISECONDS.toNanos(20));
      AtomicInteger cancelledRuns = new AtomicInteger();
      Future<?> cancelled = timers.schedule(loop, cancelledRuns::incrementAndGet,
          TimeUnit.MILLISECONDS.toNanos(10));
      cancelled.cancel(false);

      assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
      assertThat(onLoop).isTrue();
      assertThat(cancelledRuns).hasValue(0);
    }
  }

  @Test
  void closeStopsTheThreadAndLaterTasksAreDroppedWithoutAnException() throws Exception {
    try (EventLoops loops = EventLoops.create(1, "timers-test-io", true)) {
      LinkTimers timers = LinkTimers.newThread("timers-test-stop");
      AtomicInteger runs = new AtomicInteger();
      timers.schedule(loops.group().next(), runs::incrementAndGet, TimeUnit.HOURS.toNanos(1));
      timers.close();

      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(t -> t.getName().startsWith("timers-test-stop") && t.isAlive());
      Future<?> late = timers.schedule(loops.group().next(), runs::incrementAndGet, 0);
      assertThat(late).isDone();
      // Nothing is left to hand the task over (the thread is gone); a loop turn shows it ran not.
      loops.group().next().submit(() -> { }).get(5, TimeUnit.SECONDS);
      assertThat(runs).hasValue(0);
    }
  }
}
