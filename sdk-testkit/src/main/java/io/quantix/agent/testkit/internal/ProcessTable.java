package io.quantix.agent.testkit.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The host processes one fake agent started (only when host execution is allowed), so that closing
 * the agent ends them. Thread-safe. Not API.
 */
final class ProcessTable {
  /** Detached commands still running beyond this many are not tracked (nor killed on close). */
  static final int PROCESS_LIMIT = 1_000;

  private Set<Process> processes;
  private boolean closed;

  /** Remembers a spawned process so that close() can end it; false when closed or too many. */
  synchronized boolean track(Process process) {
    if (closed) {
      return false;
    }
    if (processes == null) {
      processes = new HashSet<>();
    }
    processes.removeIf(p -> !p.isAlive());
    return processes.size() < PROCESS_LIMIT && processes.add(process);
  }

  synchronized void untrack(Process process) {
    if (processes != null) {
      processes.remove(process);
    }
  }

  /** Refuses new processes and returns those still tracked, to be killed. */
  synchronized List<Process> close() {
    closed = true;
    List<Process> running = processes == null ? List.of() : new ArrayList<>(processes);
    processes = null;
    return running;
  }
}
