package io.quantix.agent.registry;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action when a tracked object becomes unreachable before it was untracked (a registry
 * garbage-collected without {@code close()}), like {@link java.lang.ref.Cleaner}, with one
 * difference that matters here: its single daemon thread, {@code quantix-agent-leak-reaper}, runs
 * only while something is tracked. A {@code Cleaner}'s thread lives until the cleaner itself is
 * collected, so closing the last registry would leave a thread behind.
 */
final class LeakReaper {
  static final String THREAD_NAME = "quantix-agent-leak-reaper";

  private static final Logger log = LoggerFactory.getLogger(LeakReaper.class);
  private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
  private static final Object LOCK = new Object();
  private static final Set<Tracked> LIVE = new HashSet<>();
  private static Thread thread;

  private LeakReaper() {}

  /** A tracked object; the handle to untrack it. */
  static final class Tracked extends PhantomReference<Object> {
    private final Runnable onLeak;

    private Tracked(Object owner, Runnable onLeak) {
      super(owner, QUEUE);
      this.onLeak = onLeak;
    }

    /** Stops tracking (the owner was closed properly); the thread ends with the last one. */
    void untrack() {
      Thread stop = null;
      synchronized (LOCK) {
        if (LIVE.remove(this) && LIVE.isEmpty() && thread != null) {
          stop = thread;
          thread = null;
        }
      }
      clear();
      if (stop != null) {
        stop.interrupt();
        if (stop != Thread.currentThread()) {
          try {
            stop.join(5_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
  }

  /** Tracks {@code owner}: {@code onLeak} runs once if it is collected while still tracked. */
  static Tracked track(Object owner, Runnable onLeak) {
    Tracked tracked = new Tracked(owner, onLeak);
    synchronized (LOCK) {
      LIVE.add(tracked);
      if (thread == null) {
        thread = new Thread(LeakReaper::reap, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
      }
    }
    return tracked;
  }

  private static void reap() {
    Thread me = Thread.currentThread();
    while (true) {
      Reference<?> ref;
      try {
        ref = QUEUE.remove();
      } catch (InterruptedException e) {
        synchronized (LOCK) {
          if (thread != me) {
            return;
          }
        }
        continue;
      }
      Tracked leaked = null;
      synchronized (LOCK) {
        if (LIVE.remove(ref)) {
          leaked = (Tracked) ref;
        }
      }
      if (leaked != null) {
        try {
          leaked.onLeak.run();
        } catch (RuntimeException | Error e) {
          log.warn("cleaning up a leaked object failed", e);
        }
      }
      synchronized (LOCK) {
        if (thread != me) {
          return;
        }
        if (LIVE.isEmpty()) {
          thread = null;
          return;
        }
      }
    }
  }
}
