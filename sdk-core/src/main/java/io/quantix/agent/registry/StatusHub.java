package io.quantix.agent.registry;

import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.internal.VmLink;
import java.util.ArrayDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands status transitions from the event loops to the registry's listeners: each listener has its
 * own queue drained on the event executor, so listeners see every transition in order (per VM and
 * overall) and never run on an I/O thread. A queue is bounded: a listener more than
 * {@link #CAPACITY} transitions behind loses the oldest, and a warning says so, rather than
 * holding memory without limit. Holds no reference to the registry, so an abandoned registry can
 * be collected (and reported) while its links still run.
 */
final class StatusHub implements Consumer<VmLink.StatusChange> {
  /** Transitions one listener may fall behind before the oldest are dropped. */
  static final int CAPACITY = 65_536;

  private static final Logger log = LoggerFactory.getLogger(StatusHub.class);

  private final CopyOnWriteArrayList<Box> boxes = new CopyOnWriteArrayList<>();
  private final Executor executor;

  StatusHub(Executor executor) {
    this.executor = executor;
  }

  Subscription add(StatusListener listener) {
    Box box = new Box(listener);
    boxes.add(box);
    return () -> {
      if (boxes.remove(box)) {
        box.close();
      }
    };
  }

  @Override
  public void accept(VmLink.StatusChange change) {
    for (Box box : boxes) {
      box.offer(change);
    }
  }

  /** Drops every listener (after the registry closed and its last transitions were queued). */
  void clear() {
    for (Box box : boxes) {
      box.close();
    }
    boxes.clear();
  }

  private final class Box implements Runnable {
    private final StatusListener listener;
    private final ArrayDeque<VmLink.StatusChange> queue = new ArrayDeque<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;
    private boolean dropping;

    Box(StatusListener listener) {
      this.listener = listener;
    }

    void offer(VmLink.StatusChange change) {
      if (closed) {
        return;
      }
      boolean firstDrop = false;
      synchronized (queue) {
        if (queue.size() >= CAPACITY) {
          queue.pollFirst();
          firstDrop = !dropping;
          dropping = true;
        }
        queue.addLast(change);
      }
      if (firstDrop) {
        log.warn("status listener {} is {} transitions behind; dropping the oldest", listener,
            CAPACITY);
      }
      if (scheduled.compareAndSet(false, true)) {
        try {
          executor.execute(this);
        } catch (RejectedExecutionException e) {
          scheduled.set(false);
          log.debug("event executor refused status delivery", e);
        }
      }
    }

    @Override
    public void run() {
      while (true) {
        VmLink.StatusChange next;
        synchronized (queue) {
          next = closed ? null : queue.pollFirst();
          if (next == null) {
            dropping = false;
            // Cleared under the lock: an offer after this sees false and schedules again.
            scheduled.set(false);
            return;
          }
        }
        try {
          listener.onStatusChange(next.previous(), next.current());
        } catch (RuntimeException e) {
          log.warn("status listener {} failed", listener, e);
        }
      }
    }

    void close() {
      closed = true;
      synchronized (queue) {
        queue.clear();
      }
    }
  }
}
