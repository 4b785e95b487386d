package io.quantix.agent.qemu.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * JVM-wide cleanup of the processes the tier starts. Every QEMU is registered here and killed by
 * a shutdown hook if a test (or the run) ends without closing it; each also gets a small watchdog
 * shell that kills it when this JVM disappears without running hooks (SIGKILL by a fork timeout).
 */
final class Processes {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "qemu-tier-cleanup"));
  }

  private Processes() {}

  /** Tracks {@code process} until it exits; also starts its watchdog (tracked as well). */
  static void track(Process process) {
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
    long jvm = ProcessHandle.current().pid();
    long pid = process.pid();
    try {
      Process watchdog = new ProcessBuilder("/bin/sh", "-c",
          "while kill -0 " + jvm + " 2>/dev/null && kill -0 " + pid + " 2>/dev/null; do sleep 1;"
              + " done; kill -9 " + pid + " 2>/dev/null")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      LIVE.add(watchdog);
      watchdog.onExit().thenRun(() -> LIVE.remove(watchdog));
    } catch (java.io.IOException e) {
      // the shutdown hook still covers every ending but a SIGKILL of this JVM
    }
  }

  /** Kills {@code process} at once (SIGKILL) and waits for it to be gone. */
  static void kill(Process process) {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Processes started by the tier and still running. */
  static Set<Process> live() {
    return Set.copyOf(LIVE);
  }

  private static void killAll() {
    LIVE.forEach(Process::destroyForcibly);
  }
}
