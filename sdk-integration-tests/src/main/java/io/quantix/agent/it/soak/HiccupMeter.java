package io.quantix.agent.it.soak;

import io.netty.channel.EventLoop;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long a runnable thread of this JVM could not run (the machine's load, GC pauses),
 * the way jHiccup does: a thread that sleeps 5 ms and records how much later it woke. A call that
 * completes late while such a stall happened is late by the stall, not by the SDK.
 */
final class HiccupMeter implements AutoCloseable {
  private static final long TICK_NANOS = 5_000_000L;
  private static final long RECORD_ABOVE_NANOS = 20_000_000L;

  /** One stall: when the meter woke, and how much later than asked. */
  record Stall(long wokeAt, long nanos) {}

  private final ConcurrentLinkedQueue<Stall> stalls = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long worst;
  private volatile long worstLoopLag;
  private static final long LOOP_TICK_NANOS = 10_000_000L;

  HiccupMeter() {
    thread = new Thread(this::measure, "soak-hiccup-meter");
    thread.setDaemon(true);
    thread.start();
  }

  private void measure() {
    while (running) {
      long before = System.nanoTime();
      try {
        Thread.sleep(TICK_NANOS / 1_000_000L);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      long late = now - before - TICK_NANOS;
      if (late > RECORD_ABOVE_NANOS) {
        stalls.add(new Stall(now, late));
        worst = Math.max(worst, late);
      }
    }
  }

  /** The longest stall the meter saw between {@code from} and {@code to} (its wake-up in range). */
  long worstBetween(long from, long to) {
    long max = 0;
    for (Stall s : stalls) {
      if (s.wokeAt() >= from && s.wokeAt() - s.nanos() <= to) {
        max = Math.max(max, s.nanos());
      }
    }
    return max;
  }

  long worst() {
    return worst;
  }

  /** The worst lag of the SDK's I/O loops (a timer run later than asked). */
  long worstLoopLag() {
    return worstLoopLag;
  }

  /**
   * Also measures the lag of an I/O loop: a task every 10 ms that records how much later than asked
   * it ran. A loop with more work than its share of the machine runs every timer late, deadline
   * timers included; such a lag is reported beside the calls it made late.
   */
  void watch(EventLoop loop) {
    long asked = System.nanoTime() + LOOP_TICK_NANOS;
    try {
      loop.schedule(() -> {
        long now = System.nanoTime();
        long late = now - asked;
        if (late > RECORD_ABOVE_NANOS) {
          stalls.add(new Stall(now, late));
          worstLoopLag = Math.max(worstLoopLag, late);
        }
        if (running) {
          watch(loop);
        }
      }, LOOP_TICK_NANOS, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The loop shut down with its registry.
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(1_000);
  }
}
