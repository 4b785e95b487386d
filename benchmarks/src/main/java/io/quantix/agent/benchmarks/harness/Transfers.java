package io.quantix.agent.benchmarks.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The transfer rows: the SDK beside a raw stream copy (floor, and the same copy through Netty) and
 * the naive client through the plain fake agent, and the SDK beside the naive client through the
 * real-agent-like fsync peers.
 * Within an iteration the clients of a row go in an order that rotates with the iteration.
 */
final class Transfers {
  static final String UPLOAD_PATH = "/bench/upload.bin";
  static final String DOWNLOAD_PATH = "/bench/download.bin";
  /**
   * Unmeasured rounds first: one round of 256 MiB leaves the JIT still compiling the transfer
   * paths (a quarter of the client's samples), so each client's first rows measured its compiler.
   */
  static final int WARMUP_ROUNDS = 3;

  /** One agent to transfer through: the SDK and the naive client on it, and its rows. */
  record Via(String name, SdkSubject sdk, NaiveClient naive, Path sandbox, long bytes,
      Report.Row upload, Report.Row download) {}

  private final Report report;
  private final Consumer<String> say;

  Transfers(Report report, Consumer<String> say) {
    this.report = report;
    this.say = say;
  }

  /** A task that moves bytes and returns the nanoseconds it took. */
  private interface Timed {
    long run() throws IOException;
  }

  /**
   * @param minimal the SDK against the minimal agent, which answers transfers of {@code bytes} of
   *     the plain fake agent's rows without a file system (beside them, as a diagnostic)
   */
  void run(FloorClient floor, NettyFloor nettyFloor, SdkSubject minimal, List<Via> vias,
      int iterations) throws IOException {
    for (Via via : vias) {
      say.accept("transfers through " + via.name() + ", " + (via.bytes() >> 20) + " MiB: "
          + WARMUP_ROUNDS + " warm-up + "
          + iterations + " iterations each way");
      byte[] data = new byte[Math.toIntExact(via.bytes())];
      fill(data);
      Path download = via.sandbox().resolve(DOWNLOAD_PATH.substring(1));
      Files.createDirectories(download.getParent());
      Files.write(download, data);
      double mib = via.bytes() / (double) (1 << 20);
      for (int it = -WARMUP_ROUNDS; it < iterations; it++) {
        if (via.upload() != null) {
          List<String> names = new ArrayList<>();
          List<Timed> ups = new ArrayList<>();
          names.add(Report.SDK);
          ups.add(() -> via.sdk().upload(data, UPLOAD_PATH));
          names.add(Report.NAIVE);
          ups.add(() -> via.naive().upload(data, UPLOAD_PATH));
          if (via.upload() == Report.Row.UPLOAD) {
            names.add(Report.FLOOR);
            ups.add(() -> floor.upload(via.bytes()));
            names.add(Report.NETTY_FLOOR);
            ups.add(() -> nettyFloor.upload(via.bytes()));
            names.add(Report.SDK_MINIMAL);
            ups.add(() -> minimal.upload(data, UPLOAD_PATH));
          }
          measure(via.upload(), names, ups, it, mib);
          long uploaded = Files.size(via.sandbox().resolve(UPLOAD_PATH.substring(1)));
          if (uploaded != via.bytes()) {
            throw new IOException(via.name() + "'s upload file has " + uploaded + " bytes");
          }
        }
        List<String> names = new ArrayList<>();
        List<Timed> downs = new ArrayList<>();
        names.add(Report.SDK);
        downs.add(() -> via.sdk().download(DOWNLOAD_PATH, via.bytes()));
        names.add(Report.NAIVE);
        downs.add(() -> via.naive().download(DOWNLOAD_PATH, via.bytes(),
            OutputStream.nullOutputStream()));
        if (via.download() == Report.Row.DOWNLOAD) {
          names.add(Report.FLOOR);
          downs.add(() -> floor.download(via.bytes()));
          names.add(Report.NETTY_FLOOR);
          downs.add(() -> nettyFloor.download(via.bytes()));
          names.add(Report.SDK_MINIMAL);
          downs.add(() -> minimal.download(DOWNLOAD_PATH, via.bytes()));
        }
        measure(via.download(), names, downs, it, mib);
      }
    }
  }

  private void measure(Report.Row row, List<String> names, List<Timed> tasks, int iteration,
      double mib) throws IOException {
    int n = tasks.size();
    for (int k = 0; k < n; k++) {
      int i = Math.floorMod(iteration + k, n);
      long nanos = tasks.get(i).run();
      if (iteration >= 0) {
        report.add(row, names.get(i), mib / (nanos / 1e9));
      }
    }
  }

  static void fill(byte[] data) {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < data.length; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < data.length; j++) {
        data[i + j] = (byte) (v >>> (8 * j));
      }
    }
  }
}
