package io.quantix.agent.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Processes of the guest: list and signal. A {@code success=false} reply fails with
 * REMOTE_FAILURE carrying the guest's text.
 *
 * <pre>{@code
 * for (GuestProcess p : client.processes().list(ProcessQuery.ALL.withFilter("nginx")).join()) {
 *   client.processes().kill(p.pid(), ProcessSignal.HUP).join();
 * }
 * }</pre>
 */
public interface GuestProcesses {

  /** Every process, up to {@link ProcessQuery#DEFAULT_MAX_ENTRIES}. Idempotent. */
  default CompletableFuture<List<GuestProcess>> list() {
    return list(ProcessQuery.ALL);
  }

  /**
   * The processes the query selects. Idempotent: retried after a lost reply. Capability
   * {@code process_list}.
   */
  CompletableFuture<List<GuestProcess>> list(ProcessQuery query);

  /** Sends TERM to {@code pid}. Not idempotent. See {@link #kill(long, ProcessSignal)}. */
  default CompletableFuture<Void> kill(long pid) {
    return kill(pid, ProcessSignal.TERM);
  }

  /**
   * Sends {@code signal} to process {@code pid} (1..4,294,967,295); should sending it fail, the
   * agent sends KILL instead. Not idempotent: not retried once it may have reached the agent,
   * unless the client opts in. Capability {@code process_kill}.
   */
  CompletableFuture<Void> kill(long pid, ProcessSignal signal);
}
