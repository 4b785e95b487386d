package io.quantix.agent.client.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers values to one listener on an executor, one at a time and in order, never blocking the
 * producer: either latest-value (a slow listener skips to the newest) or bounded drop-oldest.
 */
final class Mailbox<T> {
  private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

  private final Consumer<? super T> listener;
  private final Executor executor;
  private final int capacity;
  private final Runnable onDrop;
  private final ArrayDeque<T> queue;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean closed;

  /**
   * @param capacity 1 for latest-value delivery, more for drop-oldest
   * @param onDrop told when a value is dropped unseen
   */
  Mailbox(Consumer<? super T> listener, Executor executor, int capacity, Runnable onDrop) {
    this.listener = listener;
    this.executor = executor;
    this.capacity = capacity;
    this.onDrop = onDrop;
    this.queue = new ArrayDeque<>(Math.min(capacity, 16));
  }

  void offer(T value) {
    if (closed) {
      return;
    }
    boolean dropped = false;
    synchronized (queue) {
      if (queue.size() >= capacity) {
        queue.pollFirst();
        dropped = capacity > 1;
      }
      queue.addLast(value);
    }
    if (dropped) {
      onDrop.run();
    }
    schedule();
  }

  void close() {
    closed = true;
    synchronized (queue) {
      queue.clear();
    }
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RuntimeException e) {
        scheduled.set(false);
        log.debug("event executor refused delivery", e);
      }
    }
  }

  private void drain() {
    try {
      for (int i = 0; i < 64 && !closed; i++) {
        T next;
        synchronized (queue) {
          next = queue.pollFirst();
        }
        if (next == null) {
          break;
        }
        try {
          listener.accept(next);
        } catch (RuntimeException e) {
          log.warn("listener {} failed", listener, e);
        }
      }
    } finally {
      scheduled.set(false);
    }
    boolean more;
    synchronized (queue) {
      more = !queue.isEmpty();
    }
    if (more && !closed) {
      schedule();
    }
  }
}
