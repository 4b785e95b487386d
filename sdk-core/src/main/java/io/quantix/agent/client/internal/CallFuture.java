package io.quantix.agent.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A call's future that hands its completion straight to a thread blocked in {@link #join()} or
 * {@link #get()}, the way gRPC-java's blocking stubs run their callbacks on the calling thread.
 *
 * <p>Without a waiter, the I/O loop hands the completion task to the callback executor, so user
 * code never runs on an I/O thread. With a waiter, the loop gives the task to the waiter and wakes
 * it: one thread hand-off per blocking call instead of two. Dependent stages that are not
 * {@code *Async} then run on the waiting thread rather than on a callback thread, which is the
 * ordinary {@link CompletableFuture} rule that they run where the future is completed.
 *
 * <p>The hand-over is a single slot moving {@code null → waiter thread → task}, or
 * {@code null → waiter thread → GONE} when the waiter stops waiting; the loop only ever replaces a
 * waiter, so a task is run exactly once: by the waiter that took it, or by the callback executor.
 */
final class CallFuture<T> extends CompletableFuture<T> {
  private static final Object GONE = new Object();
  private final AtomicReference<Object> slot = new AtomicReference<>();
  private final Executor callbacks;

  /** @param callbacks runs completions that no blocked thread takes */
  CallFuture(Executor callbacks) {
    this.callbacks = callbacks;
  }

  /**
   * Runs {@code completion} (which completes this future) on the thread blocked on it if there is
   * one, else on the callback executor. Called once, from the I/O loop.
   */
  void completeVia(Runnable completion) {
    Object waiter = slot.get();
    if (waiter instanceof Thread && slot.compareAndSet(waiter, completion)) {
      LockSupport.unpark((Thread) waiter);
      return;
    }
    handOff(completion);
  }

  /** Runs {@code completion} on the callback executor, or here if it refuses (stopped at close). */
  private void handOff(Runnable completion) {
    try {
      callbacks.execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run();
    }
  }

  @Override
  public T join() {
    if (!isDone()) {
      awaitUninterruptibly();
    }
    return super.join();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    if (!isDone()) {
      await(0L);
    }
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    long nanos = unit.toNanos(timeout);
    if (!isDone() && nanos > 0L && await(nanos)) {
      return isDone() ? super.get() : super.get(0L, TimeUnit.NANOSECONDS);
    }
    return super.get(timeout, unit);
  }

  /**
   * Registers the current thread as the waiter; false if another thread waits already or the
   * completion went to the executor (then plain waiting will do). A completion from anywhere else
   * (cancel, a timeout stage, {@code completeAsync}, the callback executor) wakes the waiter
   * through a dependent stage, whatever path inside {@link CompletableFuture} it takes.
   */
  private boolean register(Thread me) {
    if (!slot.compareAndSet(null, me)) {
      return false;
    }
    whenComplete((value, failure) -> {
      if (Thread.currentThread() != me) {
        LockSupport.unpark(me);
      }
    });
    return true;
  }

  private void awaitUninterruptibly() {
    Thread me = Thread.currentThread();
    if (!register(me)) {
      return;
    }
    boolean interrupted = false;
    while (!isDone() && slot.get() == me) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true;
      }
    }
    leave(true);
    if (interrupted) {
      me.interrupt();
    }
  }

  /**
   * Waits up to {@code nanos} (0: without limit) for the completion; false if another thread
   * already waits or the completion went to the executor, so plain waiting must do.
   */
  private boolean await(long nanos) throws InterruptedException {
    Thread me = Thread.currentThread();
    if (!register(me)) {
      return false;
    }
    long deadline = System.nanoTime() + nanos;
    boolean interrupted = false;
    try {
      while (!isDone() && slot.get() == me) {
        if (nanos == 0L) {
          LockSupport.park(this);
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0L) {
            break;
          }
          LockSupport.parkNanos(this, left);
        }
        if (Thread.interrupted()) {
          interrupted = true;
          throw new InterruptedException();
        }
      }
    } finally {
      leave(!interrupted);
    }
    return true;
  }

  /**
   * Stops waiting. A completion handed over meanwhile runs here, or on the callback executor when
   * the waiter was interrupted and should not run user code it no longer waits for.
   */
  private void leave(boolean runHere) {
    Object left = slot.getAndSet(GONE);
    // The slot holds this thread unless a completion replaced it; a Thread is a Runnable too.
    if (left instanceof Runnable && !(left instanceof Thread)) {
      if (runHere) {
        ((Runnable) left).run();
      } else {
        handOff((Runnable) left);
      }
    }
  }
}
