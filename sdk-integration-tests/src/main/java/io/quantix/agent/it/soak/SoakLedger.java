package io.quantix.agent.it.soak;

import io.quantix.agent.AgentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/** What the soak's callers saw: every call's outcome and timing, and the status() latencies. */
final class SoakLedger {
  final AtomicLong issued = new AtomicLong();
  final AtomicLong completed = new AtomicLong();
  final AtomicLong succeeded = new AtomicLong();
  final AtomicLong issuedDuringClose = new AtomicLong();
  /** Calls that completed more than 1 s after their deadline: issued, completed, overrun. */
  final ConcurrentLinkedQueue<long[]> late = new ConcurrentLinkedQueue<>();
  final LongAccumulator worstOverrunNanos = new LongAccumulator(Math::max, Long.MIN_VALUE);
  final AtomicLong untyped = new AtomicLong();
  /** The call that completed latest after its deadline. */
  volatile String worstCall = "";
  final ConcurrentLinkedQueue<String> untypedExamples = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<String> lateExamples = new ConcurrentLinkedQueue<>();
  final Map<AgentException.Code, AtomicLong> byCode = new EnumMap<>(AgentException.Code.class);
  final Map<String, AtomicLong> byOp = new ConcurrentHashMap<>();
  /** Exec tokens and upload paths whose call failed with mayHaveRun=false. */
  final Set<String> notRun = ConcurrentHashMap.newKeySet();
  final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final Map<String, long[]> statusNanos = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> statusCount = new ConcurrentHashMap<>();
  private static final int STATUS_SAMPLES = 50_000;
  /** status() samples left out: the caller was preempted or a collection ran meanwhile. */
  final AtomicLong statusInterrupted = new AtomicLong();
  /** The slowest of them. */
  final AtomicLong slowestInterrupted = new AtomicLong();

  SoakLedger(List<String> vms) {
    for (AgentException.Code c : AgentException.Code.values()) {
      byCode.put(c, new AtomicLong());
    }
    for (String vm : vms) {
      statusNanos.put(vm, new long[STATUS_SAMPLES]);
      statusCount.put(vm, new AtomicInteger());
    }
  }

  /**
   * Tracks one call: {@code token} (exec token or upload path, else null) is what the agent
   * would record if it ran; {@code deadlineNanos} is the call's own deadline from issue.
   */
  void track(String op, String vm, String token, long issuedAt, long deadlineNanos, boolean duringClose,
      CompletableFuture<?> call) {
    issued.incrementAndGet();
    byOp.computeIfAbsent(op, o -> new AtomicLong()).incrementAndGet();
    if (duringClose) {
      issuedDuringClose.incrementAndGet();
    }
    pending.add(call);
    call.whenComplete((v, e) -> {
      long now = System.nanoTime();
      long overrun = now - issuedAt - deadlineNanos;
      worstOverrunNanos.accumulate(overrun);
      if (overrun > 0 && overrun >= worstOverrunNanos.get()) {
        worstCall = op + " on " + vm + ": " + (e == null ? "succeeded" : e.getMessage());
      }
      if (overrun > 1_000_000_000L) {
        late.add(new long[] {issuedAt, now, overrun});
        if (lateExamples.size() < 5) {
          lateExamples.add(op + " on " + vm + " " + overrun / 1_000_000 + " ms past its deadline: " + e);
        }
      }
      if (e == null) {
        succeeded.incrementAndGet();
      } else {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException)
            && t.getCause() != null) {
          t = t.getCause();
        }
        if (t instanceof AgentException && ((AgentException) t).code() != null) {
          AgentException a = (AgentException) t;
          byCode.get(a.code()).incrementAndGet();
          if (!a.mayHaveRun() && token != null) {
            notRun.add(token);
          }
        } else {
          untyped.incrementAndGet();
          if (untypedExamples.size() < 5) {
            untypedExamples.add(op + ": " + t);
          }
        }
      }
      completed.incrementAndGet();
      pending.remove(call);
    });
  }

  /** A caller saw a public method throw instead of returning a future. */
  void thrown(String op, Throwable t) {
    issued.incrementAndGet();
    completed.incrementAndGet();
    untyped.incrementAndGet();
    if (untypedExamples.size() < 5) {
      untypedExamples.add(op + " threw " + t);
    }
  }

  /** A status() call that timed the run queue or the collector as well as the SDK. */
  void statusInterrupted(long nanos) {
    statusInterrupted.incrementAndGet();
    slowestInterrupted.accumulateAndGet(nanos, Math::max);
  }

  void status(String vm, long nanos) {
    int i = statusCount.get(vm).getAndIncrement();
    if (i < STATUS_SAMPLES) {
      statusNanos.get(vm)[i] = nanos;
    }
  }

  long statusSamples() {
    long n = 0;
    for (AtomicInteger c : statusCount.values()) {
      n += Math.min(c.get(), STATUS_SAMPLES);
    }
    return n;
  }

  /** The highest per-VM p99 of status(), with its VM. */
  Map.Entry<String, Long> worstStatusP99() {
    String worst = "";
    long max = 0;
    for (Map.Entry<String, long[]> e : statusNanos.entrySet()) {
      int n = Math.min(statusCount.get(e.getKey()).get(), STATUS_SAMPLES);
      if (n == 0) {
        continue;
      }
      long[] sorted = Arrays.copyOf(e.getValue(), n);
      Arrays.sort(sorted);
      long p99 = sorted[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)];
      if (p99 > max) {
        max = p99;
        worst = e.getKey();
      }
    }
    return Map.entry(worst, max);
  }

  List<String> codes() {
    List<String> out = new ArrayList<>();
    byCode.forEach((c, n) -> {
      if (n.get() > 0) {
        out.add(c + "=" + n.get());
      }
    });
    return out;
  }
}
