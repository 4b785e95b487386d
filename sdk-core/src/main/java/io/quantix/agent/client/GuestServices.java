package io.quantix.agent.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Services of the guest (systemd units; Windows services): list, control, status. Names must be
 * non-blank, one line, without NUL or '/'. A {@code success=false} reply (unknown unit, failed
 * start...) fails with REMOTE_FAILURE carrying the guest's text.
 *
 * <pre>{@code
 * client.services().restart("nginx").join();
 * String state = client.services().status("nginx").join().state();
 * }</pre>
 */
public interface GuestServices {

  /** Every service. Idempotent. See {@link #list(String, boolean)}. */
  default CompletableFuture<List<GuestService>> list() {
    return list("", false);
  }

  /**
   * Services whose name matches {@code filter} as the agent understands it (empty for all), only
   * running ones if {@code runningOnly}. Idempotent: retried after a lost reply. Capability
   * {@code service_list}.
   */
  CompletableFuture<List<GuestService>> list(String filter, boolean runningOnly);

  /**
   * Starts a service. Not idempotent, not retried once it may have reached the agent. Capability
   * {@code service_control} (as every action below).
   */
  CompletableFuture<ServiceState> start(String name);

  /** Stops a service. Not idempotent, not retried once it may have reached the agent. */
  CompletableFuture<ServiceState> stop(String name);

  /** Restarts a service. Not idempotent, not retried once it may have reached the agent. */
  CompletableFuture<ServiceState> restart(String name);

  /** Enables a service at boot. Not idempotent, not retried once it may have reached the agent. */
  CompletableFuture<ServiceState> enable(String name);

  /** Disables a service at boot. Not idempotent, not retried once it may have reached the agent. */
  CompletableFuture<ServiceState> disable(String name);

  /**
   * A service's state. Read-only, so idempotent: retried after a lost reply (although it travels
   * as the same request type as the actions). Capability {@code service_control}.
   */
  CompletableFuture<ServiceState> status(String name);
}
