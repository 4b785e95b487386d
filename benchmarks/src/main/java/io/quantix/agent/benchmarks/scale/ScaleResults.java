package io.quantix.agent.benchmarks.scale;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one run of {@link ScaleBenchmark} measured, and its report against the targets. Kept apart
 * from the benchmark so that the measuring code reads as a sequence of steps; the benchmark fills
 * the fields as it goes (one thread), then calls {@link #report} once.
 */
final class ScaleResults {
  long registerMillis;
  long connectAttempts;
  long connectMillis;
  int connected;
  double cpuPercent;
  long heapPerSession;
  long directMemory;
  int maxThreads;
  int maxSdkThreads;
  int threadsBefore;
  List<String> sdkThreadNames = List.of();
  List<String> sdkThreadsAfterClose = List.of();
  long steadyDrops;
  long freshTelemetry;
  long connectedAtEnd;
  long statusP50;
  long statusP99;
  double statusesMillis;
  long closeMillis;

  /**
   * Prints the run as a Markdown table with a few figures below it, and tells whether every target
   * was met.
   */
  boolean report(int vms, int processes, Duration telemetry, Duration measure) {
    boolean connectOk = connected == vms && connectMillis < ScaleBenchmark.CONNECT_TARGET.toMillis();
    boolean cpuOk = cpuPercent < ScaleBenchmark.CPU_TARGET_PERCENT;
    boolean heapOk = heapPerSession <= ScaleBenchmark.HEAP_PER_SESSION_TARGET;
    boolean threadsOk = maxSdkThreads <= ScaleBenchmark.SDK_THREADS_TARGET;
    boolean closeOk = sdkThreadsAfterClose.isEmpty();
    System.out.println();
    System.out.printf(Locale.ROOT, "Scale benchmark: %,d VMs in %d fleet processes, telemetry every"
        + " %d ms, steady window %d s, %d CPUs, JDK %s%n", vms, processes, telemetry.toMillis(),
        measure.toSeconds(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    System.out.println("| measure | result | target | met |");
    System.out.println("|---|---|---|---|");
    row("all CONNECTED", String.format(Locale.ROOT, "%,d/%,d in %.2f s", connected, vms,
        connectMillis / 1e3), "< 30 s", connectOk);
    row("SDK process CPU, steady", String.format(Locale.ROOT, "%.1f %% of one core", cpuPercent),
        "< 20 %", cpuOk);
    row("retained heap per session", String.format(Locale.ROOT, "%,d bytes (%.1f KiB)",
        heapPerSession, heapPerSession / 1024.0), "<= 32 KiB", heapOk);
    row("SDK threads (quantix-agent-*)", maxSdkThreads + " " + sdkThreadNames, "<= 16",
        threadsOk);
    row("SDK threads left after close()",
        sdkThreadsAfterClose.size() + " " + sdkThreadsAfterClose, "0", closeOk);
    System.out.printf(Locale.ROOT, "- connect attempts until all were CONNECTED: %,d (%,d retries)%n",
        connectAttempts, connectAttempts - vms);
    System.out.printf(Locale.ROOT, "- live threads of the whole JVM: %d before the registry, at most"
        + " %d during the window%n", threadsBefore, maxThreads);
    System.out.printf(Locale.ROOT, "- still CONNECTED at the end: %,d; fresh telemetry (< %d s old):"
        + " %,d; sessions lost during the window: %d%n", connectedAtEnd,
        telemetry.multipliedBy(2).toSeconds(), freshTelemetry, steadyDrops);
    System.out.printf(Locale.ROOT, "- status(): p50 %.2f us, p99 %.2f us; statuses() of all VMs:"
        + " %.1f ms; Netty pooled direct memory: %,d KiB; close(): %d ms%n", statusP50 / 1e3,
        statusP99 / 1e3, statusesMillis, directMemory / 1024, closeMillis);
    return connectOk && cpuOk && heapOk && threadsOk && closeOk;
  }

  private static void row(String what, String result, String target, boolean met) {
    System.out.println("| " + what + " | " + result + " | " + target + " | "
        + (met ? "yes" : "NO") + " |");
  }
}
