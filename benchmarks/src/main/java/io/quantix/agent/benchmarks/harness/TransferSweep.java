package io.quantix.agent.benchmarks.harness;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the upload's chunk size and window and the download's window were chosen: every
 * combination through the real-agent-like peer (fake agent, fsync per chunk, sandbox on disk), the
 * median MiB/s of three runs each, printed as a table. Ratios within one run only.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.quantix.agent.benchmarks.harness.TransferSweep 64
 * }</pre>
 */
public final class TransferSweep {
  private TransferSweep() {}

  /** Argument: MiB per transfer (default 64). */
  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    Path disk = Files.createTempDirectory("qx-sweep-");
    byte[] data = new byte[mib << 20];
    Transfers.fill(data);
    try (FakeGuestAgent agent = FakeGuestAgent.builder().socketPath(disk.resolve("a.sock"))
        .sandbox(Files.createDirectories(disk.resolve("sandbox"))).telemetryInterval(Duration.ZERO)
        .recordLimit(0).fsyncWrites(true).start()) {
      AgentRegistry registry = AgentRegistry.builder().resolver(EndpointResolver.explicit(Map.of(
          "vm", List.of(Endpoint.parse(agent.endpoint()))))).build();
      try {
        AgentClient client = registry.client("vm");
        client.upload(data, "/w.bin", UploadOptions.DEFAULT).join();
        System.out.println("| upload chunk | window | MiB/s |\n|---:|---:|---:|");
        for (int chunk : new int[] {256 << 10, 1 << 20, 4 << 20}) {
          for (int window : new int[] {1, 2, 4, 8, 16}) {
            UploadOptions o = UploadOptions.DEFAULT.withChunkSize(chunk).withWindow(window);
            double[] runs = new double[3];
            for (int i = 0; i < runs.length; i++) {
              runs[i] = client.upload(data, "/w.bin", o).join().mibPerSecond();
            }
            System.out.printf("| %d KiB | %d | %.0f |%n", chunk >> 10, window, median(runs));
          }
        }
        System.out.println("\n| download chunk | depth | MiB/s |\n|---:|---:|---:|");
        for (int chunk : new int[] {256 << 10, 1 << 20}) {
          for (int depth : new int[] {1, 2, 4, 8, 16}) {
            DownloadOptions o = DownloadOptions.DEFAULT.withChunkSize(chunk).withPipelineDepth(depth);
            double[] runs = new double[3];
            for (int i = 0; i < runs.length; i++) {
              runs[i] = client.download("/w.bin", OutputStream.nullOutputStream(), o).join()
                  .mibPerSecond();
            }
            System.out.printf("| %d KiB | %d | %.0f |%n", chunk >> 10, depth, median(runs));
          }
        }
      } finally {
        registry.close();
      }
    } finally {
      try (var walk = Files.walk(disk)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
