package io.quantix.agent.client.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Where the links' long timers wait: call deadlines ({@link DeadlineSweep}) and keep-alive checks
 * ({@link ReaderIdleTimer}). A registry gives them one timer thread of their own, so an I/O loop
 * holds no scheduled task while its calls run and sleeps in {@code epoll_wait} without a timeout:
 * a timed sleep arms and cancels a kernel high-resolution timer on every wake-up, which in a KVM
 * guest costs about 20 µs per request/reply round trip (timer reprogramming exits to the
 * hypervisor). The timer thread only ever hands a due task to its loop.
 *
 * <pre>{@code
 * try (LinkTimers timers = LinkTimers.newThread("quantix-agent-timer")) {
 *   Future<?> wakeUp = timers.schedule(loop, () -> sweep(), TimeUnit.SECONDS.toNanos(30));
 *   wakeUp.cancel(false);
 * }
 * }</pre>
 */
public interface LinkTimers extends AutoCloseable {
  /**
   * Runs {@code task} on {@code loop} after {@code delayNanos}; cancelling the returned future
   * before then stops it. Never throws: once the timers or the loop are shut down the task does not
   * run (the link's close has failed its calls by then).
   */
  Future<?> schedule(EventLoop loop, Runnable task, long delayNanos);

  /** Stops the timer thread, if these timers own one; pending tasks are dropped. */
  @Override
  void close();

  /** Timers on a new daemon thread named {@code threadName}, stopped by {@link #close()}. */
  static LinkTimers newThread(String threadName) {
    return new TimerThread(threadName);
  }

  /** Timers on each loop's own scheduler: for unit tests on embedded channels and fake tickers. */
  static LinkTimers onLoop() {
    return OnLoop.INSTANCE;
  }

  /** The loop's own scheduler. */
  final class OnLoop implements LinkTimers {
    private static final OnLoop INSTANCE = new OnLoop();

    private OnLoop() {}

    @Override
    public Future<?> schedule(EventLoop loop, Runnable task, long delayNanos) {
      try {
        return loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        return CompletableFuture.completedFuture(null);
      }
    }

    @Override
    public void close() {}
  }

  /** One daemon thread; a due task is handed to its loop, never run on the timer thread. */
  final class TimerThread implements LinkTimers {
    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    private TimerThread(String threadName) {
      ThreadFactory named = new DefaultThreadFactory(threadName, true);
      executor = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread created = named.newThread(runnable);
        thread = created;
        return created;
      });
      // A cancelled wake-up leaves the queue at once: a re-armed sweep must not pile them up.
      executor.setRemoveOnCancelPolicy(true);
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Future<?> schedule(EventLoop loop, Runnable task, long delayNanos) {
      try {
        return executor.schedule(() -> handTo(loop, task), delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        return CompletableFuture.completedFuture(null);
      }
    }

    private static void handTo(EventLoop loop, Runnable task) {
      try {
        loop.execute(task);
      } catch (RejectedExecutionException e) {
        // The loop is shut down: the link closed with it and failed its calls.
      }
    }

    /**
     * Stops the thread and waits up to a second for it to end. The executor reports itself
     * terminated from its worker's exit path, while that thread still runs; joining it as well means
     * that once {@code close} returns the thread is gone, which a host's thread-leak check sees.
     */
    @Override
    public void close() {
      executor.shutdownNow();
      long deadline = System.nanoTime() + STOP_WAIT_NANOS;
      try {
        executor.awaitTermination(STOP_WAIT_NANOS, TimeUnit.NANOSECONDS);
        Thread worker = thread;
        long left = deadline - System.nanoTime();
        if (worker != null && worker != Thread.currentThread() && left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(worker, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
