package io.quantix.agent.benchmarks.harness;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaExec;
import io.quantix.agent.qga.QgaTransferOptions;
import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * sdk-qemu-ga beside a naive blocking client, against Debian's qemu-ga (with the block list):
 * guest-ping p50/p99; 64 MiB push and pull per chunk size; 16 callers running exec, queued on
 * one session vs libvirt's one-at-a-time. Prints a Markdown table and writes it to
 * {@code benchmarks/results/<date>-qga.md}.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.quantix.agent.benchmarks.harness.QgaBench [--quick]
 * }</pre>
 */
public final class QgaBench {
  private QgaBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    boolean execOnly = Arrays.asList(args).contains("--exec-only");
    Path exe = QemuGa.find().orElseThrow(() -> new IllegalStateException(
        "qemu-ga is not installed (apt-get install qemu-guest-agent)"));
    Path dir = Files.createTempDirectory(Path.of(Files.isDirectory(Path.of("/dev/shm"))
        ? "/dev/shm" : System.getProperty("java.io.tmpdir")), "qga-bench");
    QgaProcess qga = QgaProcess.start(exe, dir);
    StringBuilder table = new StringBuilder();
    String load = Machine.loadAverage();
    QgaClient sdk = QgaClient.builder().endpoint(Endpoint.unix(qga.socket)).build();
    try {
      int pings = quick || execOnly ? 500 : 5000;
      int iterations = quick || execOnly ? 1 : 5;
      table.append("| row | SDK | naive / raw | ratio SDK:raw |\n|---|---|---|---|\n");
      List<Double> sdkP50 = new ArrayList<>();
      List<Double> rawP50 = new ArrayList<>();
      List<Double> sdkP99 = new ArrayList<>();
      List<Double> rawP99 = new ArrayList<>();
      for (int i = 0; i < iterations + 1; i++) {
        long[] s = sdkPings(sdk, pings);
        sdk.close(); // release the single-client channel for the raw client (replies all read)
        long[] r = rawPings(qga.socket, pings);
        if (i > 0) { // the first round is warm-up
          sdkP50.add(Stats.percentile(s, s.length, 50) / 1000.0);
          sdkP99.add(Stats.percentile(s, s.length, 99) / 1000.0);
          rawP50.add(Stats.percentile(r, r.length, 50) / 1000.0);
          rawP99.add(Stats.percentile(r, r.length, 99) / 1000.0);
        }
        sdk = QgaClient.builder().endpoint(Endpoint.unix(qga.socket)).build();
      }
      row(table, "guest-ping p50 (µs, median of " + iterations + ")", median(sdkP50),
          median(rawP50), spread(sdkP50), spread(rawP50));
      row(table, "guest-ping p99 (µs)", median(sdkP99), median(rawP99), spread(sdkP99),
          spread(rawP99));
      long size = quick ? 8L << 20 : 64L << 20;
      Path local = dir.resolve("payload.bin");
      if (!execOnly) {
        writeRandom(local, size);
      }
      for (int chunk : execOnly ? new int[0] : new int[] {64 << 10, 256 << 10, 1 << 20, 4 << 20}) {
        List<Double> sp = new ArrayList<>();
        List<Double> np = new ArrayList<>();
        List<Double> sg = new ArrayList<>();
        List<Double> ng = new ArrayList<>();
        QgaTransferOptions o = QgaTransferOptions.DEFAULT.withChunkBytes(chunk)
            .withVerifyInGuest(false);
        for (int i = 0; i < Math.max(1, iterations / 2) + 1; i++) {
          Path guest = dir.resolve("guest.bin");
          long t0 = System.nanoTime();
          sdk.push(local, guest.toString(), o).join();
          long t1 = System.nanoTime();
          sdk.pull(guest.toString(), dir.resolve("back.bin"), o).join();
          long t2 = System.nanoTime();
          sdk.close();
          long[] naive = naiveTransfer(qga.socket, local, guest, dir.resolve("back2.bin"), chunk);
          sdk = QgaClient.builder().endpoint(Endpoint.unix(qga.socket)).build();
          if (i > 0) {
            sp.add(mbps(size, t1 - t0));
            sg.add(mbps(size, t2 - t1));
            np.add(mbps(size, naive[0]));
            ng.add(mbps(size, naive[1]));
          }
        }
        String mib = (size >> 20) + " MiB";
        row(table, "push " + mib + ", " + (chunk >> 10) + " KiB chunks (MB/s)", median(sp),
            median(np), spread(sp), spread(np));
        row(table, "pull " + mib + ", " + (chunk >> 10) + " KiB chunks (MB/s)", median(sg),
            median(ng), spread(sg), spread(ng));
      }
      int callers = 16;
      int perCaller = quick ? 2 : 10;
      List<Double> queuedRuns = new ArrayList<>();
      List<Double> serialRuns = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        double q = sdkExec(sdk, callers, perCaller);
        sdk.close();
        double l = lockedExec(qga.socket, callers, perCaller);
        sdk = QgaClient.builder().endpoint(Endpoint.unix(qga.socket)).build();
        if (i > 0) {
          queuedRuns.add(q);
          serialRuns.add(l);
        }
      }
      double queued = median(queuedRuns);
      double serial = median(serialRuns);
      sdk = QgaClient.builder().endpoint(Endpoint.unix(qga.socket)).build();
      table.append(String.format(Locale.ROOT, "| exec /bin/true, %d callers x %d (wall ms, median"
          + " of 3) | %.0f [%s] (queued on one session) | %.0f [%s] (one at a time behind a lock,"
          + " libvirt-style) | %.2f |%n", callers, perCaller, queued, spread(queuedRuns), serial,
          spread(serialRuns), queued / serial));
    } finally {
      sdk.close();
      qga.close();
      deleteTree(dir); // payloads of 64 MiB each live in /dev/shm
    }
    String header = "# sdk-qemu-ga vs a naive client, " + LocalDate.now() + "\n\n"
        + "qemu-ga: `" + QemuGa.version(exe) + "`, unix-listen, block list of BUILD-NOTES; "
        + "files on " + dir.getParent() + "; commit " + Machine.commit() + "; load " + load
        + " -> " + Machine.loadAverage() + "; " + Runtime.getRuntime().availableProcessors()
        + " CPUs; JDK " + System.getProperty("java.version") + (quick ? "; --quick" : "")
        + "\n\nSpread in brackets: min-max over the iterations. Transfers without the guest"
        + " sha256 check; the naive client uses the same chunk size, blocking, Jackson.\n\n";
    String text = header + table;
    System.out.println(text);
    Path out = Files.isDirectory(Path.of("benchmarks/results")) ? Path.of("benchmarks/results")
        : Path.of("results");
    if (Files.isDirectory(out)) {
      Files.writeString(out.resolve(LocalDate.now() + "-qga" + (quick ? "-quick"
          : execOnly ? "-exec" : "") + ".md"),
          text);
    }
  }

  private static long[] sdkPings(QgaClient sdk, int n) {
    sdk.ping().join();
    long[] samples = new long[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      sdk.ping().join();
      samples[i] = System.nanoTime() - t;
    }
    return samples;
  }

  private static long[] rawPings(Path socket, int n) throws IOException {
    byte[] ping = "{\"execute\":\"guest-ping\"}\n".getBytes(StandardCharsets.US_ASCII);
    try (QgaRawClient raw = new QgaRawClient(socket)) {
      raw.roundTrip(ping);
      long[] samples = new long[n];
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        raw.roundTrip(ping);
        samples[i] = System.nanoTime() - t;
      }
      return samples;
    }
  }

  /** Push then pull with the naive client; nanos of each. */
  private static long[] naiveTransfer(Path socket, Path local, Path guest, Path back, int chunk)
      throws IOException {
    try (QgaRawClient raw = new QgaRawClient(socket)) {
      long t0 = System.nanoTime();
      long h = raw.call("guest-file-open", QgaRawClient.JSON.createObjectNode()
          .put("path", guest.toString()).put("mode", "w")).asLong();
      try (InputStream in = Files.newInputStream(local)) {
        byte[] buf = new byte[chunk];
        int n;
        while ((n = in.readNBytes(buf, 0, chunk)) > 0) {
          raw.call("guest-file-write", QgaRawClient.JSON.createObjectNode().put("handle", h)
              .put("buf-b64", Base64.getEncoder().encodeToString(Arrays.copyOf(buf, n))));
        }
      }
      raw.call("guest-file-close", QgaRawClient.JSON.createObjectNode().put("handle", h));
      long t1 = System.nanoTime();
      h = raw.call("guest-file-open", QgaRawClient.JSON.createObjectNode()
          .put("path", guest.toString()).put("mode", "r")).asLong();
      try (OutputStream out = Files.newOutputStream(back)) {
        while (true) {
          JsonNode r = raw.call("guest-file-read", QgaRawClient.JSON.createObjectNode()
              .put("handle", h).put("count", chunk));
          out.write(Base64.getDecoder().decode(r.get("buf-b64").asText()));
          if (r.path("eof").asBoolean()) {
            break;
          }
        }
      }
      raw.call("guest-file-close", QgaRawClient.JSON.createObjectNode().put("handle", h));
      return new long[] {t1 - t0, System.nanoTime() - t1};
    }
  }

  private static double sdkExec(QgaClient sdk, int callers, int perCaller) {
    sdk.ping().join();
    long t = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      // one platform thread per caller, as in the locked variant (the common pool has 1 thread here)
      Thread th = new Thread(() -> {
        for (int i = 0; i < perCaller; i++) {
          sdk.exec(QgaExec.of("/bin/true")).join();
        }
      });
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return (System.nanoTime() - t) / 1e6;
  }

  /** libvirt's way: one exec (start, then status polls with the same backoff) at a time. */
  private static double lockedExec(Path socket, int callers, int perCaller) throws Exception {
    ReentrantLock lock = new ReentrantLock();
    try (QgaRawClient raw = new QgaRawClient(socket)) {
      long t = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        Thread th = new Thread(() -> {
          for (int i = 0; i < perCaller; i++) {
            lock.lock();
            try {
              long pid = raw.call("guest-exec", QgaRawClient.JSON.createObjectNode()
                  .put("path", "/bin/true").put("capture-output", true)).get("pid").asLong();
              long wait = 1;
              while (!raw.call("guest-exec-status", QgaRawClient.JSON.createObjectNode()
                  .put("pid", pid)).path("exited").asBoolean()) {
                TimeUnit.MILLISECONDS.sleep(wait); // the poll interval being measured
                wait = Math.min(200, wait * 2);
              }
            } catch (IOException | InterruptedException e) {
              throw new IllegalStateException(e);
            } finally {
              lock.unlock();
            }
          }
        });
        th.start();
        threads.add(th);
      }
      for (Thread th : threads) {
        th.join();
      }
      return (System.nanoTime() - t) / 1e6;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.io.UncheckedIOException e) {
      System.err.println("could not remove all of " + dir + ": " + e.getMessage());
    }
  }

  private static void writeRandom(Path file, long size) throws IOException {
    Random random = new Random(1);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0; done < size; done += block.length) {
        random.nextBytes(block);
        out.write(block);
      }
    }
  }

  private static double mbps(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static String spread(List<Double> v) {
    return String.format(Locale.ROOT, "%.1f-%.1f", v.stream().mapToDouble(d -> d).min()
        .orElse(0), v.stream().mapToDouble(d -> d).max().orElse(0));
  }

  private static void row(StringBuilder t, String name, double sdk, double raw, String sdkSpread,
      String rawSpread) {
    t.append(String.format(Locale.ROOT, "| %s | %.1f [%s] | %.1f [%s] | %.2f |%n", name, sdk,
        sdkSpread, raw, rawSpread, sdk / raw));
  }

  /** The daemon, started with the block list, stopped by pid. */
  private static final class QgaProcess implements AutoCloseable {
    final Path socket;
    final long pid;

    private QgaProcess(Path socket, long pid) {
      this.socket = socket;
      this.pid = pid;
    }

    static QgaProcess start(Path exe, Path dir) throws IOException, InterruptedException {
      Path socket = dir.resolve("qga.sock");
      Path pid = dir.resolve("qga.pid");
      Process p = new ProcessBuilder(exe.toString(), "-d", "-m", "unix-listen", "-p",
          socket.toString(), "-t", Files.createDirectories(dir.resolve("state")).toString(),
          "-f", pid.toString(), "-l", dir.resolve("qga.log").toString(), "-b", QemuGa.BLOCKED)
          .redirectErrorStream(true).redirectOutput(dir.resolve("launch.log").toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("qemu-ga did not start");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(Files.exists(socket) && Files.exists(pid) && Files.size(pid) > 0)) {
        if (System.nanoTime() > deadline) {
          throw new IOException("qemu-ga made no socket within 30 s");
        }
        Thread.sleep(20);
      }
      return new QgaProcess(socket, Long.parseLong(Files.readString(pid).trim()));
    }

    @Override
    public void close() {
      ProcessHandle.of(pid).ifPresent(h -> {
        h.destroy();
        h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
      });
    }
  }
}
