package io.quantix.agent.benchmarks.harness;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/** Collects iteration results and renders the one table, its targets and notes, as markdown. */
final class Report {
  static final String FLOOR = "floor";
  static final String SDK = "SDK";
  static final String GRPC_DEFAULT = "gRPC default";
  static final String GRPC_TUNED = "gRPC tuned";
  static final String QEMU_GA = "qemu-ga";
  static final String SDK_DIRECT = "SDK, direct callbacks (diag.)";
  static final String SDK_MINIMAL = "SDK ↔ minimal peer (diag.)";
  static final String NETTY_FLOOR = "Netty floor (diag.)";
  static final String NAIVE = "naive client (1 MiB, each acked)";
  static final List<String> COLUMNS = List.of(FLOOR, SDK, GRPC_DEFAULT, GRPC_TUNED, QEMU_GA,
      SDK_DIRECT, SDK_MINIMAL, NETTY_FLOOR, NAIVE);

  /** The table's measured rows. */
  enum Row {
    P50("ping round trip p50", "µs", false),
    P99("ping round trip p99", "µs", false),
    T1("pipelined, 1 in flight", "k calls/s", true),
    T16("pipelined, 16 in flight", "k calls/s", true),
    T64("pipelined, 64 in flight", "k calls/s", true),
    UPLOAD("upload", "MiB/s", true),
    DOWNLOAD("download", "MiB/s", true),
    UPLOAD_FSYNC("upload through the fsync peer", "MiB/s", true),
    DOWNLOAD_FSYNC("download through the fsync peer, unlimited reads", "MiB/s", true),
    DOWNLOAD_16K("download through the fsync peer, 16 KiB reads", "MiB/s", true),
    CPU_PING_CLIENT("CPU per ping, client (harness) process (diag.)", "µs", false),
    CPU_PING_PEER("CPU per ping, server process (diag.)", "µs", false),
    CPU_T64_CLIENT("CPU per call at 64 in flight, client (harness) process (diag.)", "µs", false),
    CPU_T64_PEER("CPU per call at 64 in flight, server process (diag.)", "µs", false);

    final String label;
    final String unit;
    final boolean higherIsBetter;

    Row(String label, String unit, boolean higherIsBetter) {
      this.label = label;
      this.unit = unit;
      this.higherIsBetter = higherIsBetter;
    }

    static Row throughput(int depth) {
      switch (depth) {
        case 1: return T1;
        case 16: return T16;
        case 64: return T64;
        default: throw new IllegalArgumentException("no row for depth " + depth);
      }
    }
  }

  /** One target: the SDK's median over another column's, against a bound. */
  record Target(Row row, String against, double bound, boolean atMost, String text) {
    /** SDK over {@code against}, if both were measured. */
    OptionalDouble ratio(Report r) {
      OptionalDouble sdk = r.median(row, SDK);
      OptionalDouble other = r.median(row, against);
      if (sdk.isEmpty() || other.isEmpty() || other.getAsDouble() == 0) {
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(sdk.getAsDouble() / other.getAsDouble());
    }

    String verdict(Report r) {
      OptionalDouble ratio = ratio(r);
      if (ratio.isEmpty()) {
        return text + ": n/a (not measured)";
      }
      boolean pass = atMost ? ratio.getAsDouble() <= bound : ratio.getAsDouble() >= bound;
      return text + ": " + (pass ? "pass" : "**MISS**") + " (" + ratioText(ratio.getAsDouble())
          + ")";
    }

    boolean passed(Report r) {
      OptionalDouble ratio = ratio(r);
      return ratio.isPresent()
          && (atMost ? ratio.getAsDouble() <= bound : ratio.getAsDouble() >= bound);
    }
  }

  static final List<Target> TARGETS = List.of(
      new Target(Row.P50, FLOOR, 1.5, true, "p50 ≤ 1.5× floor"),
      new Target(Row.P50, GRPC_TUNED, 0.75, true, "p50 ≤ 0.75× gRPC tuned"),
      new Target(Row.P99, FLOOR, 2.5, true, "p99 ≤ 2.5× floor"),
      new Target(Row.T64, FLOOR, 0.5, false, "≥ 0.5× floor"),
      new Target(Row.T64, GRPC_TUNED, 2.0, false, "≥ 2× gRPC tuned"),
      new Target(Row.UPLOAD, FLOOR, 0.5, false, "≥ 0.5× raw copy"),
      new Target(Row.DOWNLOAD, FLOOR, 0.5, false, "≥ 0.5× raw copy"),
      new Target(Row.UPLOAD_FSYNC, NAIVE, 2.0, false, "≥ 2× naive client"),
      new Target(Row.DOWNLOAD_FSYNC, NAIVE, 2.0, false, "≥ 2× naive client"),
      new Target(Row.DOWNLOAD_16K, NAIVE, 2.0, false, "≥ 2× naive client"));

  private final Machine machine;
  private final ZonedDateTime date;
  private final Settings settings;
  private final String commandLine;
  private final Map<Row, Map<String, List<Double>>> values = new EnumMap<>(Row.class);
  private final List<JmhFraming.Score> framing = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> warmups = new ArrayList<>();
  private String frames = "";
  private String qemuGa = "";
  private long wallNanos;
  private final String loadAtStart = Machine.loadAverage();
  private final String commit = Machine.commit();

  Report(Machine machine, ZonedDateTime date, Settings settings, String commandLine) {
    this.machine = machine;
    this.date = date;
    this.settings = settings;
    this.commandLine = commandLine;
  }

  void add(Row row, String column, double value) {
    values.computeIfAbsent(row, r -> new LinkedHashMap<>())
        .computeIfAbsent(column, c -> new ArrayList<>()).add(value);
  }

  OptionalDouble median(Row row, String column) {
    List<Double> v = values.getOrDefault(row, Map.of()).get(column);
    return v == null || v.isEmpty() ? OptionalDouble.empty()
        : OptionalDouble.of(Stats.Summary.of(v).median());
  }

  void frames(FrameCapture.PingPong captured) {
    frames = "ping frame " + captured.pingFrame().length + " bytes (8-byte header + "
        + captured.ping().getSerializedSize() + "-byte AgentMessage), pong frame "
        + captured.pongFrame().length + " bytes (8 + " + captured.pong().getSerializedSize()
        + "), both captured from the SDK's own session with the fake agent";
  }

  void qemuGa(String text) {
    qemuGa = text;
  }

  void note(String text) {
    notes.add(text);
  }

  void framing(List<JmhFraming.Score> scores) {
    framing.addAll(scores);
  }

  void wallTime(long nanos) {
    wallNanos = nanos;
  }

  void warmups(List<String> lines) {
    warmups.addAll(lines);
  }

  /** Targets met, of those measured. */
  int[] targetCount() {
    int met = 0;
    int measured = 0;
    for (Target t : TARGETS) {
      if (t.ratio(this).isPresent()) {
        measured++;
        if (t.passed(this)) {
          met++;
        }
      }
    }
    return new int[] {met, measured};
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    String mib = (settings.transferBytes() >> 20) + " MiB";
    String fsyncMib = (settings.transferBytes() / 4 >> 20) + " MiB";
    md.append("# Side by side: the SDK, a raw-socket floor, gRPC-java and qemu-ga\n\n");
    md.append("- Date: ").append(date.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
        .append('\n');
    md.append("- Machine: ").append(machine.host()).append(", ").append(machine.cpu()).append(", ")
        .append(machine.cores()).append(" cores (as the JVM sees them), ").append(machine.os())
        .append('\n');
    md.append("- JDK: ").append(machine.jdk()).append('\n');
    md.append("- Load average (1/5/15 min, the whole machine): ").append(loadAtStart)
        .append(" at the start, ").append(Machine.loadAverage()).append(" at the end\n");
    if (commit != null) {
      md.append("- Code: commit ").append(commit).append('\n');
    }
    md.append("- Run: ").append(settings.quick() ? "**quick mode (smoke test; figures not "
        + "meaningful)**" : "full").append(", ").append(settings.iterations())
        .append(" measured iterations per row, command `SideBySide")
        .append(commandLine.isEmpty() ? "" : " " + commandLine).append("`, wall time ")
        .append(duration(wallNanos)).append('\n');
    int[] count = targetCount();
    md.append("- Targets met: ").append(count[0]).append(" of ").append(count[1]).append('\n');
    md.append('\n');

    md.append("| Measure | ");
    for (String c : COLUMNS) {
      md.append(c).append(" | ");
    }
    md.append("SDK/floor | SDK/gRPC tuned | SDK/naive | Targets |\n|---|");
    for (int i = 0; i < COLUMNS.size() + 3; i++) {
      md.append("---:|");
    }
    md.append("---|\n");
    for (Row row : Row.values()) {
      if (!values.containsKey(row)) {
        continue;
      }
      String label = row.label + (row == Row.UPLOAD || row == Row.DOWNLOAD ? " " + mib
          : row.unit.equals("MiB/s") ? " " + fsyncMib : "")
          + ", " + row.unit + (row.higherIsBetter ? " (higher is better)" : "");
      md.append("| ").append(label).append(" | ");
      for (String c : COLUMNS) {
        List<Double> v = values.get(row).get(c);
        md.append(v == null ? "—" : cell(Stats.Summary.of(v))).append(" | ");
      }
      md.append(ratioCell(row, FLOOR)).append(" | ").append(ratioCell(row, GRPC_TUNED))
          .append(" | ").append(ratioCell(row, NAIVE)).append(" | ");
      List<String> verdicts = new ArrayList<>();
      for (Target t : TARGETS) {
        if (t.row() == row) {
          verdicts.add(t.verdict(this));
        }
      }
      md.append(verdicts.isEmpty() ? "—" : String.join("; ", verdicts)).append(" |\n");
    }
    for (JmhFraming.Score s : framing) {
      md.append("| framing JMH ").append(s.benchmark())
          .append(s.params().isEmpty() ? "" : " (" + s.params() + ")").append(", ")
          .append(s.unit()).append(" | ");
      for (String c : COLUMNS) {
        md.append(c.equals(SDK) ? number(s.score()) + " ± " + number(s.error()) : "—")
            .append(" | ");
      }
      md.append(framingRatio(s)).append(" | — | — | — |\n");
    }
    md.append('\n');
    md.append("Each cell: the median of the iteration values, and in brackets their spread "
        + "(min–max). Ratios are of medians; a ratio above 1 is slower for latency rows and faster"
        + " for throughput rows. Where a row has no target its ratios are for information.\n\n");

    md.append("## Targets\n\n");
    for (Target t : TARGETS) {
      md.append("- ").append(t.row().label).append(": ").append(t.verdict(this)).append('\n');
    }
    md.append('\n');

    md.append("## How it was measured\n\n");
    md.append("- Every server half runs in its own process; every client half runs in the "
        + "harness JVM, one at a time, in an order that rotates with each iteration. Nothing is "
        + "pinned: on a 2-vCPU machine both ends may or may not share a vCPU. Java peers get `")
        .append(String.join(" ", Peer.jvmOptions())).append("`.\n");
    md.append("- Frames: ").append(frames).append(".\n");
    md.append("- **floor**: a blocking JDK `SocketChannel` over a Unix domain socket "
        + "(`UnixDomainSocketAddress`), server one thread per connection: it answers every whole "
        + "ping frame with the captured pong frame (answers to frames read together go out in one"
        + " write); the client reads frame by frame. Pipelined: the client keeps N ping frames "
        + "outstanding and writes one new ping per pong. Transfer rows: a raw stream copy of ")
        .append(mib).append(" through the same kind of socket (1 MiB writes; the upload ends when"
        + " the server has counted every byte, the download when the client has read every "
        + "byte).\n");
    md.append("- **SDK**: `AgentRegistry` with default settings (2 I/O threads, 2 callback "
        + "threads), one `AgentClient`, sequential `ping().join()`; pipelined: each completed "
        + "`ping()` starts the next, N outstanding on the one session. Peer: the testkit's fake "
        + "agent in its own JVM (`FakeGuestAgent`, telemetry off, `recordLimit(0)`, serving every "
        + "connection). Upload: `upload(byte[])` of ")
        .append(mib).append(" with default options (chunk 0 alone, then a window of chunks"
        + " acknowledged in any order, see `UploadOptions.DEFAULT`); the "
        + "fake agent writes each chunk to a real file in its sandbox on ")
        .append("/dev/shm (tmpfs) when available. Download: `download(path, OutputStream)` into"
        + " a discarding stream, default options (a 4 MiB window planned on the bytes each read"
        + " returns), from a file in the sandbox.\n");
    md.append("- **fsync peer** (real-agent-like): the same fake agent with `fsyncWrites(true)` "
        + "(every written chunk fsynced before its acknowledgement, as agent 0.1.27 does), one "
        + "with `maxSingleRead(0)` (unlimited reads) and one with `maxSingleRead(16384)` (the "
        + "old-tokio builds). **naive client**: a blocking socket with the framing written by "
        + "hand, 1 MiB chunks, each request answered before the next (`NaiveClient`).\n");
    md.append("- **SDK, direct callbacks (diag.)**: the same SDK with `callbackExecutor(Runnable::run)`"
        + " (futures complete on the I/O thread: the SDK's counterpart of gRPC's "
        + "`directExecutor()`), own registry, own session to the same fake agent. Its distance "
        + "from the SDK column is the cost of handing each reply to the callback executor.\n");
    md.append("- **SDK ↔ minimal peer (diag.)**: the default SDK against a minimal blocking Java peer "
        + "(in the floor server's process, no Netty, no executor, `MinimalAgent`) that parses each "
        + "ping frame and answers the captured pong with the ping's message id and sequence, "
        + "answers to frames read together in one write. In the upload and download rows it "
        + "answers reads with bytes of one cached array and counts written bytes without storing "
        + "them (stat returns the count): no file system. Its distance from the SDK column is the "
        + "fake agent's share; its distance from the floor is the SDK's own.\n");
    md.append("- **Netty floor (diag.)**: the least an event-loop client on Netty does, against the "
        + "floor's server: the caller hands the captured ping frame's bytes to an I/O thread (the "
        + "SDK's untimed epoll loop), which writes them, counts the reply's bytes and completes "
        + "the caller's future on the I/O thread. No encoding, parsing, deadline or executor hop "
        + "(`NettyFloor`). Its distance from the floor is what Netty and the two thread hand-offs "
        + "of any event-loop client cost; the SDK's distance from it is what the SDK adds.\n");
    md.append("- **gRPC-java** ").append(grpcVersion()).append(": unary call over a Unix "
        + "domain socket, Netty epoll (`NettyServerBuilder`/`NettyChannelBuilder` with "
        + "`DomainSocketAddress`, `EpollServerDomainSocketChannel`/`EpollDomainSocketChannel`, "
        + "gRPC's shaded Netty), method descriptor written by hand with protobuf marshallers. "
        + "Request: the SDK's ping `AgentMessage`; reply: the captured pong `AgentMessage` "
        + "(same message sizes as the SDK's frames). *default*: gRPC's default executors; "
        + "*tuned*: `directExecutor()` on server and channel. Ping: blocking unary call; "
        + "pipelined: async unary calls, each completion starts the next.\n");
    md.append("- **qemu-ga**: ").append(qemuGa.isEmpty() ? "not measured" : qemuGa)
        .append("; `{\"execute\":\"guest-ping\"}` written, the reply line read, one at a "
        + "time.\n");
    md.append("- Schedule: each subject is warmed up in slices of ")
        .append(TimeUnit.NANOSECONDS.toMillis(settings.sliceNanos()))
        .append(" ms (half sequential pings, half 64 in flight) until its JIT has settled: ping "
        + "p50 and throughput each within ").append(SideBySide.SETTLED)
        .append("× over the last three slices, ").append(settings.minWarmupSlices()).append(" to ")
        .append(settings.maxWarmupSlices()).append(" slices (see the warm-up trace); then per "
        + "iteration ")
        .append(TimeUnit.NANOSECONDS.toMillis(settings.pingNanos()))
        .append(" ms of sequential pings (p50/p99 over every round trip) and ")
        .append(TimeUnit.NANOSECONDS.toMillis(settings.pipelineNanos()))
        .append(" ms per pipelined depth, each after a short re-warm; transfers: ")
        .append(Transfers.WARMUP_ROUNDS).append(" warm-up rounds, then each iteration alternates "
        + "which goes first.\n");
    if (!framing.isEmpty()) {
      md.append("- Framing JMH: `io.quantix.agent.benchmarks.framing`, payload sizes ")
          .append(String.join(" and ", JmhFraming.SIZES)).append(" bytes (the ping's order of "
          + "magnitude and the 1 MiB transfer chunk; `java -jar benchmarks/target/benchmarks.jar "
          + "Framing` runs every size), 1 fork, 2 × 1 s warm-up,"
          + " 3 × 1 s measurement, run after the peers stopped; ± is JMH's 99.9 % error. "
          + "SDK/floor of an SDK framing row is against `protobufByteArray` with the same "
          + "parameters (protobuf's own `toByteArray` + `parseFrom`).\n");
    }
    for (String n : notes) {
      md.append("- ").append(n).append('\n');
    }
    if (!warmups.isEmpty()) {
      md.append("\n## Warm-up trace (per slice)\n\n");
      for (String w : warmups) {
        md.append("- ").append(w).append('\n');
      }
    }
    return md.toString();
  }

  private String ratioCell(Row row, String against) {
    OptionalDouble sdk = median(row, SDK);
    OptionalDouble other = median(row, against);
    if (sdk.isEmpty() || other.isEmpty() || other.getAsDouble() == 0) {
      return "—";
    }
    return ratioText(sdk.getAsDouble() / other.getAsDouble());
  }

  private String framingRatio(JmhFraming.Score s) {
    if (!s.benchmark().toLowerCase(Locale.ROOT).contains("sdk")) {
      return "—";
    }
    String base = s.benchmark().substring(0, s.benchmark().indexOf('.') + 1) + "protobufByteArray";
    for (JmhFraming.Score other : framing) {
      if (other.benchmark().equals(base) && other.params().equals(s.params())
          && other.score() > 0) {
        return ratioText(s.score() / other.score());
      }
    }
    return "—";
  }

  private static String grpcVersion() {
    return io.grpc.internal.GrpcUtil.IMPLEMENTATION_VERSION;
  }

  static String cell(Stats.Summary s) {
    return number(s.median()) + " (" + number(s.min()) + "–" + number(s.max()) + ")";
  }

  static String ratioText(double ratio) {
    return String.format(Locale.ROOT, "%.2f×", ratio);
  }

  static String number(double v) {
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String duration(long nanos) {
    long s = TimeUnit.NANOSECONDS.toSeconds(nanos);
    return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
  }
}
