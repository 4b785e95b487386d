package io.quantix.agent.examples;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.client.Quiesced;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A crash-consistent snapshot: freeze the guest's filesystems, take the disk snapshot while they
 * are frozen, thaw. {@code withQuiesced} thaws in every outcome (the snapshot failing, taking
 * longer than the freeze window, the caller cancelling), and the guest's own auto-thaw timer is
 * always armed, should this process die while the guest is frozen.
 *
 * <pre>
 * java -cp examples/target/agentctl.jar io.quantix.agent.examples.ConsistentSnapshot [ENDPOINT]
 * </pre>
 *
 * Without an ENDPOINT it starts a fake agent (the testkit's), which records freezes and thaws.
 * The snapshot itself is simulated here; on a host it would be the hypervisor's call, e.g.
 * libvirt's {@code virDomainSnapshotCreateXML} with {@code DISK_ONLY | ATOMIC}.
 */
public final class ConsistentSnapshot {
  private ConsistentSnapshot() {}

  public static void main(String[] args) throws Exception {
    run(args, System.out);
  }

  static void run(String[] args, PrintStream out) throws Exception {
    ExampleArgs a = ExampleArgs.parse(args);
    // Only so that the example runs without a VM.
    FakeGuestAgent fake = a.positional(0) == null ? FakeGuestAgent.builder().start() : null;
    String endpoint = fake != null ? fake.endpoint() : a.positional(0);

    try (AgentRegistry agents = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm", List.of(Endpoint.parse(endpoint)))))
        .build()) {
      AgentClient vm = agents.client("vm");

      // What to freeze (everything), and the guest's auto-thaw: it thaws by itself after 30 s
      // whatever happens to this process. The snapshot must be done by then.
      QuiesceSpec spec = QuiesceSpec.allFilesystems().withGuestTimeout(Duration.ofSeconds(30));

      String snapshot = vm.snapshots().withQuiesced(spec, frozen -> {
        out.printf("frozen: %s (the guest thaws by itself at about %s)%n", mountPoints(frozen),
            frozen.autoThawEstimate());
        if (fake != null) {
          out.println("the fake guest says frozen=" + fake.guest().frozen());
        }
        return takeDiskSnapshot("vm");
      }).join();
      out.println("snapshot " + snapshot + " taken; filesystems thawed"
          + (fake != null ? " (fake guest frozen=" + fake.guest().frozen() + ")" : ""));

      // A failing snapshot: the filesystems are thawed all the same, then the failure surfaces.
      try {
        vm.snapshots().withQuiesced(spec, frozen -> CompletableFuture.<String>failedFuture(
            new IllegalStateException("storage pool is full"))).join();
      } catch (CompletionException e) {
        out.println("snapshot failed (" + e.getCause().getMessage() + "); filesystems thawed"
            + (fake != null ? " (fake guest frozen=" + fake.guest().frozen() + ")" : ""));
      }
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }

  /** Stands in for the hypervisor's disk snapshot: asynchronous, done in a moment. */
  private static CompletionStage<String> takeDiskSnapshot(String vmId) {
    return CompletableFuture.supplyAsync(() -> vmId + "-" + Instant.now().getEpochSecond(),
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
  }

  private static String mountPoints(Quiesced q) {
    return q.filesystems().stream().map(Quiesced.Filesystem::mountPoint)
        .collect(Collectors.joining(" "));
  }
}
