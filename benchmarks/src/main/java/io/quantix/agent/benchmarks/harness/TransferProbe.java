package io.quantix.agent.benchmarks.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Transfers through an agent peer that is already listening, for paired A/B runs of two builds
 * against the same peer: the SDK's (or the naive client's) upload or download of one file, several
 * rounds, printing the median MiB/s and the CPU per MiB of this JVM and of the peer's process. The
 * side-by-side harness's transfer rows move with the machine's load by more than a change to the
 * transfer path does; two builds alternated against one peer do not.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.quantix.agent.benchmarks.harness.FakeAgentPeer \
 *     --socket /tmp/a.sock --sandbox /dev/shm/sandbox &
 * for jar in before.jar after.jar before.jar after.jar; do
 *   java -cp $jar io.quantix.agent.benchmarks.harness.TransferProbe /tmp/a.sock $! \
 *       /dev/shm/sandbox down 256 6
 * done
 * }</pre>
 */
public final class TransferProbe {
  private TransferProbe() {}

  /**
   * Arguments: socket path, the peer's pid, the peer's sandbox directory, {@code up} or
   * {@code down}, MiB per transfer, rounds, and optionally {@code naive} for the naive client.
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println("usage: TransferProbe SOCKET PEER_PID SANDBOX up|down MIB ROUNDS [naive]");
      System.exit(2);
    }
    Path socket = Path.of(args[0]);
    long peerPid = Long.parseLong(args[1]);
    Path sandbox = Path.of(args[2]);
    boolean up = args[3].equals("up");
    int mib = Integer.parseInt(args[4]);
    int rounds = Integer.parseInt(args[5]);
    boolean naive = args.length > 6 && args[6].equals("naive");
    byte[] data = new byte[mib << 20];
    Transfers.fill(data);
    Path download = sandbox.resolve(Transfers.DOWNLOAD_PATH.substring(1));
    Files.createDirectories(download.getParent());
    if (!up) {
      Files.write(download, data);
    }
    try (SdkSubject sdk = naive ? null : new SdkSubject("SDK", socket, false, peerPid);
        NaiveClient plain = naive ? new NaiveClient(socket) : null) {
      double[] mibPerSecond = new double[rounds];
      double[] selfCpu = new double[rounds];
      double[] peerCpu = new double[rounds];
      for (int round = -2; round < rounds; round++) {
        long cpu = Cpu.self();
        long peer = Cpu.of(peerPid);
        long nanos;
        if (up) {
          nanos = naive ? plain.upload(data, Transfers.UPLOAD_PATH)
              : sdk.upload(data, Transfers.UPLOAD_PATH);
        } else {
          nanos = naive ? plain.download(Transfers.DOWNLOAD_PATH, data.length,
              java.io.OutputStream.nullOutputStream())
              : sdk.download(Transfers.DOWNLOAD_PATH, data.length);
        }
        if (round >= 0) {
          mibPerSecond[round] = mib / (nanos / 1e9);
          selfCpu[round] = (Cpu.self() - cpu) / 1e6 / mib;
          peerCpu[round] = (Cpu.of(peerPid) - peer) / 1e6 / mib;
        }
      }
      System.out.printf("%s %s %d MiB: %.0f MiB/s (%.0f–%.0f), CPU per MiB: this JVM %.2f ms,"
          + " peer %.2f ms (medians of %d)%n", naive ? "naive" : "SDK", up ? "upload" : "download",
          mib, median(mibPerSecond), min(mibPerSecond), max(mibPerSecond), median(selfCpu),
          median(peerCpu), rounds);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
