package io.quantix.agent.client.internal;

import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The deadlines of one link's calls: a binary min-heap keyed by deadline, with one wake-up armed
 * for the earliest, instead of a scheduled timer per call. A call that completes leaves the heap
 * in O(log n) and disarms nothing: the wake-up finds nothing due and re-arms for the new head.
 * Calls with the same timeout arrive in deadline order, so a steady stream of calls arms about one
 * wake-up per timeout period, and after the last call the loop is left with no timer at all.
 * Confined to the link's event loop; the wake-ups wait on {@link LinkTimers}.
 *
 * <pre>{@code
 * DeadlineSweep sweep = new DeadlineSweep(loop, LinkTimers.onLoop());
 * sweep.track(call, c -> c.fail(AgentException.of(Code.DEADLINE_EXCEEDED, "ping")));
 * }</pre>
 */
final class DeadlineSweep {
  private final EventLoop loop;
  private final LinkTimers timers;
  private final Runnable sweepTask = this::sweep;
  private Call<?>[] heap = new Call<?>[8];
  private int size;
  private Future<?> wakeUp;
  private long wakeUpAt;

  DeadlineSweep(EventLoop loop, LinkTimers timers) {
    this.loop = loop;
    this.timers = timers;
  }

  /**
   * Watches {@code call}'s deadline (once: a call already watched is left as it is);
   * {@code onExpired} runs on the loop when it passes, unless the call finished first.
   */
  void track(Call<?> call, Consumer<Call<?>> onExpired) {
    if (call.sweepIndex >= 0) {
      return;
    }
    long at = call.deadline.ticker().nanoTime() + call.deadline.remaining(TimeUnit.NANOSECONDS);
    call.watchedBy(this, at, onExpired);
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = call;
    call.sweepIndex = size++;
    siftUp(call.sweepIndex);
    // Every watched deadline is at or after wakeUpAt, so an earlier one is the new head.
    if (wakeUp == null || at - wakeUpAt < 0) {
      armForHead();
    }
  }

  /** Stops watching {@code call} (it finished); on the loop, else left to the next sweep. */
  void untrack(Call<?> call) {
    int i = call.sweepIndex;
    if (i < 0 || !loop.inEventLoop()) {
      return;
    }
    removeAt(i);
  }

  /** Calls watched. */
  int size() {
    return size;
  }

  /** Disarms the wake-up and forgets every call (their link failed them). */
  void clear() {
    if (wakeUp != null) {
      wakeUp.cancel(false);
      wakeUp = null;
    }
    for (int i = 0; i < size; i++) {
      heap[i].sweepIndex = -1;
      heap[i] = null;
    }
    size = 0;
  }

  private void sweep() {
    wakeUp = null;
    while (size > 0 && heap[0].deadline.isExpired()) {
      Call<?> due = heap[0];
      removeAt(0);
      due.expiredBySweep();
    }
    if (size > 0) {
      armForHead();
    }
  }

  private void armForHead() {
    if (wakeUp != null) {
      wakeUp.cancel(false);
    }
    Call<?> head = heap[0];
    wakeUpAt = head.sweepAt;
    wakeUp = timers.schedule(loop, sweepTask, head.deadline.remaining(TimeUnit.NANOSECONDS));
  }

  private void removeAt(int i) {
    Call<?> removed = heap[i];
    removed.sweepIndex = -1;
    Call<?> last = heap[--size];
    heap[size] = null;
    if (i == size) {
      return;
    }
    heap[i] = last;
    last.sweepIndex = i;
    siftDown(i);
    if (heap[i] == last) {
      siftUp(i);
    }
  }

  private void siftUp(int i) {
    Call<?> c = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Call<?> p = heap[parent];
      if (c.sweepAt - p.sweepAt >= 0) {
        break;
      }
      heap[i] = p;
      p.sweepIndex = i;
      i = parent;
    }
    heap[i] = c;
    c.sweepIndex = i;
  }

  private void siftDown(int i) {
    Call<?> c = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right].sweepAt - heap[child].sweepAt < 0) {
        child = right;
      }
      if (c.sweepAt - heap[child].sweepAt <= 0) {
        break;
      }
      heap[i] = heap[child];
      heap[i].sweepIndex = i;
      i = child;
    }
    heap[i] = c;
    c.sweepIndex = i;
  }
}
