package io.quantix.agent.it.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outcome of a {@link ChaosSoak}: one line per invariant with its figures (prefixed
 * {@code OK} or {@code FAIL}), and the broken ones again in {@link #violations()}.
 *
 * <pre>{@code
 * SoakResult r = new ChaosSoak(7L, Duration.ofSeconds(60)).run();
 * r.lines().forEach(System.out::println);
 * }</pre>
 *
 * @param lines the report: figures of the run, then one line per invariant
 * @param violations the invariants broken, empty when all hold
 */
public record SoakResult(List<String> lines, List<String> violations) {
  /** The start of the deadline invariant's line. */
  public static final String DEADLINE = "every future completes by its deadline + 1 s";
  /** The start of the file-descriptor invariant's line. */
  public static final String FDS = "after close no fd left";

  /** Copies the lists. */
  public SoakResult {
    lines = List.copyOf(lines);
    violations = List.copyOf(violations);
  }

  /** Collects the report while the soak runs. */
  static final class Builder {
    private final List<String> lines = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();

    Builder(long seed, Duration duration) {
      lines.add("chaos soak: seed " + seed + ", " + duration.toSeconds() + " s, " + ChaosSoak.VMS
          + " VMs, " + ChaosSoak.CALLERS + " callers, close at 80% while callers keep calling");
    }

    void info(String line) {
      lines.add("  " + line);
    }

    private void check(boolean ok, String invariant) {
      lines.add((ok ? "OK   " : "FAIL ") + invariant);
      if (!ok) {
        violations.add(invariant);
      }
    }

    void calls(SoakLedger l, ChaosSoak.Callers callers, long closeNanos, HiccupMeter stalls) {
      info("calls issued " + l.issued.get() + " (" + l.issuedDuringClose.get()
          + " during or after close), by op " + l.byOp + "; succeeded " + l.succeeded.get()
          + "; failed by code " + l.codes());
      info("close() took " + closeNanos / 1_000_000 + " ms");
      long worst = l.worstOverrunNanos.get();
      // Late beyond 1 s and beyond the longest stall during the call, of the JVM's threads or of
      // the SDK's I/O loops: a thread the machine does not run cannot complete anything (load
      // average 20 on 2 cores), and a loop given more work than its share of the CPU runs every
      // timer late. Both are printed, so an overloaded run shows as such.
      long beyondStalls = 0;
      long lateStrict = 0;
      for (long[] c : l.late) {
        lateStrict++;
        if (c[2] > 1_000_000_000L + stalls.worstBetween(c[0], c[1])) {
          beyondStalls++;
        }
      }
      check(l.pending.isEmpty() && l.completed.get() == l.issued.get(), "every future completes: "
          + l.completed.get() + " of " + l.issued.get() + " completed, " + l.pending.size()
          + " pending");
      check(beyondStalls == 0, DEADLINE + ": latest completion "
              + (worst == Long.MIN_VALUE ? "n/a" : (worst / 1_000_000) + " ms after its deadline")
              + (l.worstCall.isEmpty() ? "" : " (" + l.worstCall + ")")
              + "; " + lateStrict + " later than 1 s, " + beyondStalls + " of them beyond the"
              + " stalls measured meanwhile (worst JVM thread stall " + stalls.worst() / 1_000_000
              + " ms, worst I/O loop lag " + stalls.worstLoopLag() / 1_000_000 + " ms)"
              + exampl(l.lateExamples));
      check(l.untyped.get() == 0, "every failure is an AgentException with a Code: "
          + l.untyped.get() + " not (" + callers.thrown.get() + " thrown by a public method)"
          + exampl(l.untypedExamples));
    }

    void agentSide(SoakFleet fleet, SoakLedger l) {
      long twice = 0;
      long ranButNotRun = 0;
      String example = "";
      for (Map.Entry<String, java.util.concurrent.atomic.AtomicInteger> e : fleet.ran.entrySet()) {
        if (e.getValue().get() > 1) {
          twice++;
          example = e.getKey();
        }
      }
      Set<String> notRun = l.notRun;
      for (String token : notRun) {
        if (fleet.ran.containsKey(token)) {
          ranButNotRun++;
          example = token;
        }
      }
      check(twice == 0 && ranButNotRun == 0, "no exec or upload ran twice, none failed with"
          + " mayHaveRun=false ran: " + fleet.ran.size() + " ran at the agents, " + twice
          + " twice; " + notRun.size() + " failed with mayHaveRun=false, " + ranButNotRun
          + " of them ran" + (example.isEmpty() ? "" : " (e.g. " + example + ")"));
      Map.Entry<String, Integer> max = fleet.maxConnections();
      check(max.getValue() <= 1, "never two connections to one VM at once: at most "
          + max.getValue() + " open to one agent" + (max.getValue() > 1 ? " (" + max.getKey()
          + ")" : "") + " over the run's samples");
    }

    void afterClose(long threads, long fds, long fdsBefore, long leaks, Collection<String> kinds,
        List<String> targetsBefore, List<String> targetsAfter) {
      List<String> added = new ArrayList<>(targetsAfter);
      for (String t : targetsBefore) {
        added.remove(t);
      }
      check(threads == 0 && leaks == 0, "after close: " + threads + " SDK threads, " + leaks
          + " leaked buffers (PARANOID)" + (leaks > 0 ? " " + kinds : ""));
      check(fds <= fdsBefore, FDS + ": " + fds + " fds (" + fdsBefore + " before)"
          + (fds > fdsBefore ? " new: " + added : ""));
    }

    void heap(long before, long during, long after) {
      long growth = Math.max(during, after) - before;
      check(growth <= ChaosSoak.HEAP_SLACK_BYTES, "heap after GC within 64 MiB of the start: "
          + mib(before) + " at start, " + mib(during) + " before close, " + mib(after)
          + " after; growth " + mib(growth));
    }

    void status(SoakLedger l) {
      Map.Entry<String, Long> worst = l.worstStatusP99();
      check(worst.getValue() < 1_000_000L, "status() p99 under 1 ms for every VM: worst p99 "
          + String.format("%.3f", worst.getValue() / 1e6) + " ms (" + worst.getKey() + ") over "
          + l.statusSamples() + " calls (" + l.statusInterrupted.get()
          + " left out: the caller was preempted or a collection ran while they were timed;"
          + " the slowest of them " + String.format("%.3f", l.slowestInterrupted.get() / 1e6)
          + " ms)");
    }

    SoakResult build() {
      return new SoakResult(lines, violations);
    }

    private static String mib(long bytes) {
      return String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static String exampl(Collection<String> examples) {
      return examples.isEmpty() ? "" : " e.g. " + examples;
    }
  }
}
