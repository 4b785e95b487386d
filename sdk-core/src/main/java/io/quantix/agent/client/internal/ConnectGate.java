package io.quantix.agent.client.internal;

import java.util.ArrayDeque;

/**
 * Bounds how many connect attempts of one registry are under way at once; the others wait in
 * order. Without it, registering 10,000 VMs starts 10,000 connects in one burst: their work queues
 * up on the few event loops, and attempts time out in the queue (their deadline starts when they
 * are asked for) before the loops reach them, only to be retried. Behind the gate an attempt's
 * deadline starts when it really starts. A permit covers the socket connect only, not the wait for
 * AgentReady, so agents that stay silent cannot starve the others.
 */
public final class ConnectGate {
  private final int permits;
  private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
  private int inUse;

  /** A gate letting {@code permits} attempts run at once. */
  public ConnectGate(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be >= 1: " + permits);
    }
    this.permits = permits;
  }

  /**
   * Runs {@code start} now if a permit is free, else once one is released; {@code start} then
   * owns the permit and must lead to exactly one {@link #release()}. It must only hand work over
   * (for instance to an event loop), since it may run on the thread that releases.
   */
  public void acquire(Runnable start) {
    synchronized (this) {
      if (inUse >= permits) {
        queued.addLast(start);
        return;
      }
      inUse++;
    }
    start.run();
  }

  /** Returns a permit, handing it straight to the longest-waiting attempt if there is one. */
  public void release() {
    Runnable next;
    synchronized (this) {
      next = queued.pollFirst();
      if (next == null) {
        inUse--;
        return;
      }
    }
    next.run();
  }

  /** Attempts under way now. */
  public synchronized int inUse() {
    return inUse;
  }

  /** Attempts waiting for a permit now. */
  public synchronized int waiting() {
    return queued.size();
  }
}
