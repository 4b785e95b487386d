package io.quantix.agent.micrometer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Session-side meters: connect and ready timers, reconnects, queued calls, and the transport of
 * each VM's session (for the call tag). Per-VM bookkeeping is one small object per VM that ever
 * connected; the SDK calls each VM's hooks from that VM's event loop, one at a time, so the
 * object's fields need no lock (they are volatile because the loop of a VM may change after the
 * registry re-creates its link).
 */
public final class SessionMeters {
  /** Transport tag value before a VM's first ready session. */
  public static final String UNKNOWN_TRANSPORT = "unknown";

  private final ConcurrentHashMap<String, VmState> vms = new ConcurrentHashMap<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Timer connect;
  private final Timer ready;
  private final Counter reconnects;

  public SessionMeters(MeterRegistry meters, Tags common) {
    this.connect = Timer.builder("quantix.agent.connect").tags(common)
        .description("From the start of a connect attempt to the session being ready")
        .register(meters);
    this.ready = Timer.builder("quantix.agent.ready").tags(common)
        .description("From the first attempt after registration or a lost session to the"
            + " session being ready, backoff included")
        .register(meters);
    this.reconnects = Counter.builder("quantix.agent.reconnects").tags(common)
        .description("Connect attempts after a VM's first one").register(meters);
  }

  /** Calls waiting for a session, over all VMs. */
  public AtomicInteger queued() {
    return queued;
  }

  /** A connect attempt of {@code vmId} started. */
  public void connectAttempt(String vmId) {
    long now = System.nanoTime();
    VmState s = vms.computeIfAbsent(vmId, id -> new VmState());
    if (s.attempted) {
      reconnects.increment();
    }
    s.attempted = true;
    s.attemptStart = now;
    if (s.outageStart == 0) {
      s.outageStart = now;
    }
  }

  /** The session of {@code vmId} became ready through {@code transport}. */
  public void sessionReady(String vmId, String transport) {
    long now = System.nanoTime();
    VmState s = vms.computeIfAbsent(vmId, id -> new VmState());
    s.transport = transport;
    if (s.attemptStart != 0) {
      connect.record(now - s.attemptStart, TimeUnit.NANOSECONDS);
      s.attemptStart = 0;
    }
    if (s.outageStart != 0) {
      ready.record(now - s.outageStart, TimeUnit.NANOSECONDS);
      s.outageStart = 0;
    }
  }

  /** Calls of {@code vmId} waiting for a session are now {@code calls}. */
  public void waiting(String vmId, int calls) {
    VmState s = vms.computeIfAbsent(vmId, id -> new VmState());
    int before = s.waiting;
    s.waiting = calls;
    queued.addAndGet(calls - before);
  }

  /** The transport of the VM's last ready session, or {@link #UNKNOWN_TRANSPORT}. */
  public String transport(String vmId) {
    VmState s = vms.get(vmId);
    return s == null ? UNKNOWN_TRANSPORT : s.transport;
  }

  /** Forgets VMs no longer registered (a host's VMs come and go). */
  public void retainOnly(Set<String> live) {
    vms.entrySet().removeIf(e -> {
      if (live.contains(e.getKey())) {
        return false;
      }
      queued.addAndGet(-e.getValue().waiting);
      return true;
    });
  }

  /** VMs with bookkeeping (for tests of the pruning). */
  public int trackedVms() {
    return vms.size();
  }

  private static final class VmState {
    volatile boolean attempted;
    volatile long attemptStart;
    volatile long outageStart;
    volatile int waiting;
    volatile String transport = UNKNOWN_TRANSPORT;
  }
}
