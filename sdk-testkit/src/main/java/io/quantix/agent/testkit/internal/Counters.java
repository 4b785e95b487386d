package io.quantix.agent.testkit.internal;

import io.quantix.agent.testkit.FakeAgentCounters;
import java.util.concurrent.atomic.AtomicLong;

/** Traffic counters of one fake agent, updated from its event loops. Not API. */
public final class Counters {
  final AtomicLong connectionsAccepted = new AtomicLong();
  final AtomicLong framesReceived = new AtomicLong();
  final AtomicLong bytesReceived = new AtomicLong();
  final AtomicLong framesSent = new AtomicLong();
  final AtomicLong bytesSent = new AtomicLong();
  final AtomicLong framesDropped = new AtomicLong();
  /** Flushes that reached the socket (each one a write system call at most, when bytes were pending). */
  final AtomicLong flushes = new AtomicLong();

  /** File chunks fsynced before their acknowledgement. */
  final AtomicLong fsyncs = new AtomicLong();

  /** File chunks fsynced since start. */
  public long fsyncs() {
    return fsyncs.get();
  }

  /** Flushes that reached the socket since start, on every connection. */
  public long flushes() {
    return flushes.get();
  }

  /** A snapshot, with the given number of open connections. */
  public FakeAgentCounters snapshot(int openConnections) {
    return new FakeAgentCounters(connectionsAccepted.get(), openConnections, framesReceived.get(),
        bytesReceived.get(), framesSent.get(), bytesSent.get(), framesDropped.get());
  }
}
