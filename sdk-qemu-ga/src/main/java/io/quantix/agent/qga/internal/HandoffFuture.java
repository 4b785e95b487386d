package io.quantix.agent.qga.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A call's future whose completion work (parsing the reply, completing, running dependents) runs
 * on a thread already blocked in {@link #join()} or {@link #get()} when there is one, and on the
 * callback executor otherwise: never on the event loop, and one thread hand-off less for the
 * common blocking caller (what gRPC's blocking stubs do).
 *
 * <p>Dekker-style: the loop publishes the task, then reads the waiter; the waiter publishes
 * itself, then reads the task. At least one sees the other, and the task runs once either way.
 */
final class HandoffFuture<T> extends CompletableFuture<T> {
  private final AtomicReference<Thread> waiter = new AtomicReference<>();
  private volatile Runnable pending;

  /** Runs {@code task} on the blocked caller if there is one, else on the callback executor. */
  void deliver(Runnable task, Calls calls) {
    AtomicBoolean claimed = new AtomicBoolean();
    Runnable once = () -> {
      if (claimed.compareAndSet(false, true)) {
        task.run();
      }
    };
    pending = once;
    Thread w = waiter.get();
    if (w != null) {
      LockSupport.unpark(w);
    } else {
      calls.dispatch(once);
    }
  }

  @Override
  public T join() {
    awaitHandoff(false);
    return super.join();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    if (!awaitHandoff(true)) {
      throw new InterruptedException();
    }
    return super.get();
  }

  /** Waits for completion, running the completion task here; false if interrupted. */
  private boolean awaitHandoff(boolean interruptible) {
    Thread me = Thread.currentThread();
    if (isDone() || !waiter.compareAndSet(null, me)) {
      return true; // another thread waits here already: plain waiting for this one
    }
    try {
      while (!isDone()) {
        Runnable task = pending;
        if (task != null) {
          task.run();
          continue;
        }
        LockSupport.park(this);
        if (interruptible && Thread.interrupted()) {
          return false;
        }
      }
      return true;
    } finally {
      waiter.set(null);
      Runnable task = pending;
      if (task != null && !isDone()) {
        task.run(); // published while leaving: make sure it runs (at most once)
      }
    }
  }
}
