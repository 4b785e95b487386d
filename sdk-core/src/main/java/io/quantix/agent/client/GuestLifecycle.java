package io.quantix.agent.client;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Power, credentials, network and clock of the guest. None of these is idempotent: none is
 * retried once the request may have reached the agent (only a request that never left the client
 * is), unless the client opts in with {@link CallOptions#withRetryOfNonIdempotent(boolean)}.
 * A {@code success=false} reply fails with REMOTE_FAILURE carrying the guest's text.
 *
 * <pre>{@code
 * GuestLifecycle life = client.lifecycle();
 * life.resetPassword("admin", password, false).join();
 * life.syncTime(true).join();
 * life.powerOff(PowerOptions.NOW).join();   // success also when the VM vanishes without a reply
 * }</pre>
 */
public interface GuestLifecycle {

  /**
   * Powers the guest off. Success when the agent accepts, or when the session ends or the agent
   * restarts after the request was written (see {@link PowerResult}); DEADLINE_EXCEEDED (with
   * {@code mayHaveRun}) when none of that happened in time. Not idempotent, not retried.
   * Capability {@code shutdown}.
   */
  CompletableFuture<PowerResult> powerOff(PowerOptions options);

  /**
   * Reboots the guest; as {@link #powerOff}. Not idempotent, not retried. Capability
   * {@code reboot}.
   */
  CompletableFuture<PowerResult> reboot(PowerOptions options);

  /**
   * Halts the guest; as {@link #powerOff}. Not idempotent, not retried. Capability
   * {@code shutdown}.
   */
  CompletableFuture<PowerResult> halt(PowerOptions options);

  /**
   * Sets a user's password ({@code chpasswd}, or {@code net user} on Windows); with
   * {@code expire} the user must change it at next login. The array is copied before this method
   * returns, so the caller may clear it at once. The password never appears in logs, metrics,
   * {@code toString} or exceptions (the SDK also masks it should the guest echo it in its error
   * text); on the wire it travels in plain text, as the protocol defines. A password containing a
   * line break or NUL is refused. Not idempotent, not retried. Capability {@code reset_password}.
   */
  CompletableFuture<Void> resetPassword(String username, char[] newPassword, boolean expire);

  /**
   * Writes a network configuration and, with {@code applyNow}, applies it. With netplan (or
   * nothing detected) the agent writes {@code /etc/netplan/99-limiquantix.yaml} and runs
   * {@code netplan apply}; on NetworkManager-only guests it writes the text verbatim as a keyfile
   * and reloads (the YAML is not converted). Not idempotent, not retried. Capability
   * {@code configure_network}.
   */
  CompletableFuture<Void> configureNetwork(String netplanYaml, boolean applyNow);

  /** {@code syncTime(false)}: not idempotent, not retried once it may have reached the agent. */
  default CompletableFuture<TimeSync> syncTime() {
    return syncTime(false);
  }

  /**
   * Synchronises the guest clock from its time service (chrony, systemd-timesyncd, ntpd or
   * ntpdate; w32tm on Windows); {@code force} steps the clock at once ({@code chronyc makestep})
   * rather than slewing. Not idempotent, not retried. Capability {@code sync_time}.
   */
  CompletableFuture<TimeSync> syncTime(boolean force);

  /**
   * Sets the guest clock to {@code time} (UTC, whole seconds on Linux guests), for example after
   * a resume when the guest has no time service. Not idempotent, not retried. Capability
   * {@code sync_time}.
   */
  CompletableFuture<TimeSync> setTime(Instant time);
}
