package io.quantix.agent.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process CPU time (user + system) from {@code /proc/<pid>/stat}, for the CPU-per-call rows. Linux
 * only; elsewhere every reading is -1 and the rows are left out. Resolution: one clock tick
 * (10 ms at the usual USER_HZ of 100), fine over the harness's one-second windows.
 */
final class Cpu {
  /** Nanoseconds per clock tick; USER_HZ is 100 on every mainstream Linux build. */
  static final long NANOS_PER_TICK = 10_000_000L;

  private Cpu() {}

  /** CPU nanoseconds used so far by this process. */
  static long self() {
    return ofPath(Path.of("/proc/self/stat"));
  }

  /** CPU nanoseconds used so far by process {@code pid}, or -1. */
  static long of(long pid) {
    return pid <= 0 ? -1 : ofPath(Path.of("/proc", Long.toString(pid), "stat"));
  }

  private static long ofPath(Path stat) {
    try {
      String s = Files.readString(stat);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // after the command: state(0) ... utime(11) stime(12)
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
