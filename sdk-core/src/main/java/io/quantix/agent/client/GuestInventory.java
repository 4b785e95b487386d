package io.quantix.agent.client;

import java.util.concurrent.CompletableFuture;

/**
 * What the guest has: hardware and installed software. Both are read-only and idempotent:
 * retried after a lost reply. A {@code success=false} reply fails with REMOTE_FAILURE carrying
 * the guest's text.
 *
 * <pre>{@code
 * SoftwareList pkgs = client.inventory().software("openssl", 100).join();
 * pkgs.items().forEach(p -> System.out.println(p.name() + " " + p.version()));
 * }</pre>
 */
public interface GuestInventory {
  /** Default cap of {@link #software()}: 20,000 packages. */
  int DEFAULT_MAX_SOFTWARE = 20_000;

  /** Hardware with CPU, disk and network details. Idempotent. */
  default CompletableFuture<HardwareInfo> hardware() {
    return hardware(true, true, true);
  }

  /**
   * Hardware, with the details asked for (the rest may come back empty). Idempotent: retried
   * after a lost reply. Capability {@code hardware_info}.
   */
  CompletableFuture<HardwareInfo> hardware(boolean cpuDetails, boolean diskDetails,
      boolean networkDetails);

  /** Every installed package, up to {@link #DEFAULT_MAX_SOFTWARE}. Idempotent. */
  default CompletableFuture<SoftwareList> software() {
    return software("", DEFAULT_MAX_SOFTWARE);
  }

  /**
   * Installed packages matching {@code filter} (empty for all), at most {@code maxEntries}
   * (1..1,000,000). The protocol has no offset or token for this request, so it cannot be paged:
   * the result says how many the agent counted ({@link SoftwareList#truncated()}); narrow the
   * filter to see the rest. Idempotent: retried after a lost reply. Capability
   * {@code software_list}.
   */
  CompletableFuture<SoftwareList> software(String filter, int maxEntries);
}
