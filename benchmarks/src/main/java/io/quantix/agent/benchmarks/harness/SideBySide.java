package io.quantix.agent.benchmarks.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The side-by-side benchmark: the SDK beside a raw-socket floor, gRPC-java (default and tuned)
 * and qemu-ga, measured in one run, printed as one table and written to
 * {@code benchmarks/results/<date>-<host>.md}.
 *
 * <p>Every server half runs in its own process; every client half runs in this JVM, one at a
 * time, in rotating order within each iteration so that drift on a shared machine spreads over
 * all columns alike.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.quantix.agent.benchmarks.harness.SideBySide
 * java -cp benchmarks/target/benchmarks.jar io.quantix.agent.benchmarks.harness.SideBySide --quick
 * }</pre>
 */
public final class SideBySide {
  static final int[] DEPTHS = {1, 16, 64};
  static final double SETTLED = 1.2;

  private final Settings settings;
  private final PrintStream progress;
  private final Report report;
  private final List<String> warmupNotes = new ArrayList<>();

  private SideBySide(Settings settings, PrintStream progress, Report report) {
    this.settings = settings;
    this.progress = progress;
    this.report = report;
  }

  /** Runs the benchmark; see {@link Settings#USAGE} for the options. */
  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(Settings.USAGE);
      System.exit(2);
      return;
    }
    if (settings == null) {
      System.out.println(Settings.USAGE);
      return;
    }
    Path written = run(settings, String.join(" ", args));
    System.err.println("table written to " + written);
  }

  /** Runs everything and writes the table; returns the file. */
  static Path run(Settings settings, String commandLine) throws Exception {
    long start = System.nanoTime();
    Machine machine = Machine.describe();
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    Report report = new Report(machine, now, settings, commandLine);
    SideBySide bench = new SideBySide(settings, System.err, report);
    Path work = workDirectory();
    try {
      bench.measure(work);
      deleteTree(work);
    } catch (Exception e) {
      deleteTree(work.resolve("sandbox"));
      System.err.println("[side-by-side] failed; the peers' logs are kept in " + work.resolve("logs"));
      throw e;
    }
    if (settings.jmh()) {
      bench.framing();
    } else {
      report.note("Framing JMH: not run (" + (settings.quick() ? "--quick" : "--skip-jmh")
          + "); run `java -jar benchmarks/target/benchmarks.jar Framing` for it.");
    }
    report.wallTime(System.nanoTime() - start);
    report.warmups(bench.warmupNotes);
    String markdown = report.markdown();
    System.out.println(markdown);
    Files.createDirectories(settings.out());
    Path file = settings.out().resolve(now.toLocalDate() + "-" + machine.fileSafeHost()
        + (settings.quick() ? "-quick" : "") + ".md");
    Files.writeString(file, markdown);
    return file;
  }

  private static Path workDirectory() throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return Files.createTempDirectory(shm, "qx-bench-");
    }
    return Files.createTempDirectory("qx-bench-");
  }

  // ------------------------------------------------------------------ peers and subjects

  private void measure(Path work) throws Exception {
    Path logs = Files.createDirectories(work.resolve("logs"));
    Path sandbox = Files.createDirectories(work.resolve("sandbox"));
    Path agentSocket = work.resolve("agent.sock");
    List<AutoCloseable> open = new ArrayList<>();
    try {
      say("starting the fake agent (own JVM, sandbox " + sandbox + ")");
      Peer agent = Peer.startJava("fake-agent", FakeAgentPeer.class,
          List.of("--socket", agentSocket.toString(), "--sandbox", sandbox.toString()), logs);
      open.add(agent);
      // The real-agent-like peers: fsync per written chunk, on a disk (not tmpfs) so that the
      // fsync costs what it costs; reads unlimited, and capped at 16 KiB as old builds are.
      Path disk = Files.createTempDirectory("qx-bench-disk-");
      open.add(() -> deleteTree(disk));
      Peer fsyncAgent = fsyncPeer("fsync-agent", disk, 0, logs);
      open.add(fsyncAgent);
      Peer fsync16k = fsyncPeer("fsync-agent-16k", disk, 16 * 1024, logs);
      open.add(fsync16k);
      agent.awaitReady();
      fsyncAgent.awaitReady();
      fsync16k.awaitReady();

      FrameCapture.PingPong frames = capture(work, agentSocket);
      report.frames(frames);
      String pongHex = HexFormat.of().formatHex(frames.pongFrame());
      String pongPayloadHex = HexFormat.of().formatHex(frames.pong().toByteArray());

      say("starting the floor server and the gRPC servers (own JVMs)");
      Path echo = work.resolve("floor-echo.sock");
      Path sink = work.resolve("floor-sink.sock");
      Path source = work.resolve("floor-source.sock");
      Path minimal = work.resolve("minimal-agent.sock");
      Peer floorServer = Peer.startJava("floor", FloorServer.class, List.of("--echo",
          echo.toString(), "--reply", pongHex, "--respond", minimal.toString(), "--pong",
          pongPayloadHex, "--file-size", Long.toString(settings.transferBytes()), "--sink",
          sink.toString(), "--source", source.toString()), logs);
      open.add(floorServer);
      Path grpcDefaultSocket = work.resolve("grpc-default.sock");
      Path grpcTunedSocket = work.resolve("grpc-tuned.sock");
      Peer grpcDefault = Peer.startJava("grpc-default", GrpcEcho.class, List.of("--socket",
          grpcDefaultSocket.toString(), "--reply", pongPayloadHex), logs);
      open.add(grpcDefault);
      Peer grpcTuned = Peer.startJava("grpc-tuned", GrpcEcho.class, List.of("--socket",
          grpcTunedSocket.toString(), "--reply", pongPayloadHex, "--tuned"), logs);
      open.add(grpcTuned);
      floorServer.awaitReady();
      grpcDefault.awaitReady();
      grpcTuned.awaitReady();

      FloorClient floor = new FloorClient(echo, sink, source, frames.pingFrame(),
          DEPTHS[DEPTHS.length - 1], floorServer.pid());
      open.add(floor);
      NettyFloor nettyFloor = new NettyFloor(Report.NETTY_FLOOR, echo, sink, source, frames.pingFrame(),
          frames.pongFrame().length, floorServer.pid());
      open.add(nettyFloor);
      SdkSubject sdk = new SdkSubject(Report.SDK, agentSocket, false, agent.pid());
      open.add(sdk);
      SdkSubject sdkDirect = new SdkSubject(Report.SDK_DIRECT, agentSocket, true, agent.pid());
      open.add(sdkDirect);
      SdkSubject sdkMinimal = new SdkSubject(Report.SDK_MINIMAL, minimal, false,
          floorServer.pid());
      open.add(sdkMinimal);
      GrpcEcho grpcD = new GrpcEcho(Report.GRPC_DEFAULT, grpcDefaultSocket, false, frames.ping(),
          grpcDefault.pid());
      open.add(grpcD);
      GrpcEcho grpcT = new GrpcEcho(Report.GRPC_TUNED, grpcTunedSocket, true, frames.ping(),
          grpcTuned.pid());
      open.add(grpcT);
      List<Subject> subjects = new ArrayList<>(List.of(floor, nettyFloor, sdk, sdkDirect,
          sdkMinimal, grpcD, grpcT));
      startQemuGa(work).ifPresent(ga -> {
        open.add(ga);
        subjects.add(ga);
      });

      warmupNotes.addAll(Warmup.run(settings, subjects, this::say));
      pings(subjects);
      pipelines(subjects);
      long fsyncBytes = settings.transferBytes() / 4;
      List<Transfers.Via> vias = new ArrayList<>();
      vias.add(new Transfers.Via("the fake agent", sdk, naive(agentSocket, open), sandbox,
          settings.transferBytes(), Report.Row.UPLOAD, Report.Row.DOWNLOAD));
      vias.add(new Transfers.Via("the fsync peer", sdkOn(disk, "fsync-agent", open),
          naive(disk.resolve("fsync-agent.sock"), open), disk.resolve("fsync-agent"), fsyncBytes,
          Report.Row.UPLOAD_FSYNC, Report.Row.DOWNLOAD_FSYNC));
      vias.add(new Transfers.Via("the fsync peer, 16 KiB reads", sdkOn(disk, "fsync-agent-16k",
          open), naive(disk.resolve("fsync-agent-16k.sock"), open), disk.resolve("fsync-agent-16k"),
          fsyncBytes, null, Report.Row.DOWNLOAD_16K));
      new Transfers(report, this::say).run(floor, nettyFloor, sdkMinimal, vias,
          settings.iterations());
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          say("closing " + open.get(i) + " failed: " + e);
        }
      }
    }
  }

  private static Peer fsyncPeer(String name, Path disk, int maxSingleRead, Path logs)
      throws IOException {
    Path sandbox = Files.createDirectories(disk.resolve(name));
    return Peer.startJava(name, FakeAgentPeer.class, List.of("--socket",
        disk.resolve(name + ".sock").toString(), "--sandbox", sandbox.toString(), "--fsync", "true",
        "--max-single-read", Integer.toString(maxSingleRead)), logs);
  }

  private static SdkSubject sdkOn(Path disk, String name, List<AutoCloseable> open) {
    SdkSubject sdk = new SdkSubject(Report.SDK, disk.resolve(name + ".sock"), false, -1);
    open.add(sdk);
    return sdk;
  }

  private static NaiveClient naive(Path socket, List<AutoCloseable> open) throws IOException {
    NaiveClient naive = new NaiveClient(socket);
    open.add(naive);
    return naive;
  }

  /** Lets the SDK ping the fake agent through a recording relay. */
  private FrameCapture.PingPong capture(Path work, Path agentSocket) throws Exception {
    Path relay = work.resolve("capture.sock");
    FrameCapture capture = new FrameCapture(relay, agentSocket);
    try (SdkSubject sdk = new SdkSubject("capture", relay, false, -1)) {
      for (int i = 0; i < 10; i++) {
        sdk.roundTrip();
      }
    } finally {
      capture.close();
    }
    return capture.pingPong();
  }

  private Optional<QemuGa> startQemuGa(Path work) {
    if (!settings.qemuGa()) {
      report.qemuGa("not measured (--skip-qemu-ga)");
      return Optional.empty();
    }
    Optional<Path> exe = QemuGa.find();
    if (exe.isEmpty()) {
      report.qemuGa("not installed (apt-get install qemu-guest-agent); column skipped");
      return Optional.empty();
    }
    try {
      say("starting qemu-ga");
      QemuGa ga = QemuGa.start(exe.get(), work);
      report.qemuGa(QemuGa.version(exe.get()) + ", started as `" + exe.get()
          + " -d -m unix-listen -p SOCK -t STATEDIR -f PIDFILE -l LOG -b " + QemuGa.BLOCKED
          + "`");
      return Optional.of(ga);
    } catch (IOException e) {
      report.qemuGa("could not be started: " + e.getMessage() + "; column skipped");
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ measurements

  private void pings(List<Subject> subjects) throws Exception {
    say("ping round trips: " + settings.iterations() + " iterations");
    for (int it = 0; it < settings.iterations(); it++) {
      for (Subject s : rotate(subjects, it)) {
        pingPercentiles(s, settings.pingNanos() / 10);
        long client = Cpu.self();
        long peer = Cpu.of(s.peerPid());
        double[] p = pingPercentiles(s, settings.pingNanos());
        report.add(Report.Row.P50, s.name(), p[0]);
        report.add(Report.Row.P99, s.name(), p[1]);
        cpuPerCall(Report.Row.CPU_PING_CLIENT, s.name(), client, Cpu.self(), p[2]);
        cpuPerCall(Report.Row.CPU_PING_PEER, s.name(), peer, Cpu.of(s.peerPid()), p[2]);
      }
    }
  }

  /** Adds CPU microseconds per call, when both readings exist. */
  private void cpuPerCall(Report.Row row, String column, long before, long after, double calls) {
    if (before >= 0 && after >= 0 && calls > 0) {
      report.add(row, column, (after - before) / 1e3 / calls);
    }
  }

  /** p50 and p99 in microseconds, and the count, of sequential round trips for {@code nanos}. */
  static double[] pingPercentiles(Subject s, long nanos) throws Exception {
    long[] samples = new long[1 << 16];
    int n = 0;
    long end = System.nanoTime() + nanos;
    long now;
    do {
      long t0 = System.nanoTime();
      s.roundTrip();
      now = System.nanoTime();
      if (n == samples.length) {
        samples = java.util.Arrays.copyOf(samples, n * 2);
      }
      samples[n++] = now - t0;
    } while (now < end);
    double p50 = Stats.percentile(samples, n, 50) / 1e3;
    double p99 = Stats.percentile(samples, n, 99) / 1e3;
    return new double[] {p50, p99, n};
  }

  private void pipelines(List<Subject> subjects) throws Exception {
    List<Subject> pipelining = subjects.stream().filter(Subject::pipelines).toList();
    for (int depth : DEPTHS) {
      say("pipelined throughput, " + depth + " in flight: " + settings.iterations()
          + " iterations");
      Report.Row row = Report.Row.throughput(depth);
      for (int it = 0; it < settings.iterations(); it++) {
        for (Subject s : rotate(pipelining, it)) {
          s.pipelined(depth, settings.pipelineNanos() / 10);
          long client = Cpu.self();
          long peer = Cpu.of(s.peerPid());
          double rate = s.pipelined(depth, settings.pipelineNanos());
          report.add(row, s.name(), rate / 1e3);
          if (depth == DEPTHS[DEPTHS.length - 1]) {
            double calls = rate * settings.pipelineNanos() / 1e9;
            cpuPerCall(Report.Row.CPU_T64_CLIENT, s.name(), client, Cpu.self(), calls);
            cpuPerCall(Report.Row.CPU_T64_PEER, s.name(), peer, Cpu.of(s.peerPid()), calls);
          }
        }
      }
    }
  }

  private void framing() {
    try {
      List<String> listed = JmhFraming.available();
      if (listed.isEmpty()) {
        report.note("Framing JMH: no benchmarks of package `" + JmhFraming.PACKAGE
            + "` in this build; rows left out.");
        return;
      }
      Path log = Files.createTempFile("qx-bench-jmh-", ".log");
      say("framing JMH (" + listed.size() + " benchmarks, log " + log + ")");
      report.framing(JmhFraming.run(log));
    } catch (Exception e) {
      report.note("Framing JMH failed: " + e);
    }
  }

  private static <T> List<T> rotate(List<T> list, int by) {
    List<T> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      out.add(list.get((i + by) % list.size()));
    }
    return out;
  }

  private void say(String line) {
    progress.println("[side-by-side] " + line);
    progress.flush();
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
