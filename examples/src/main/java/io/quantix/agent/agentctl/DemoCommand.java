package io.quantix.agent.agentctl;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.FileEntry;
import io.quantix.agent.client.Pong;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code agentctl demo}: the SDK end to end against a fake guest agent (the testkit's) on a
 * temporary Unix socket, where QEMU's virtio-serial channel would be. Needs no VM and no root.
 * Each step prints what it does and the agentctl command that does the same on a real VM.
 */
@Command(name = "demo", description = {
    "Walk through the SDK against an embedded fake agent (no VM needed).",
    "Starts a fake guest agent on a temporary socket (no VM, no root) and shows ping, info, exec, "
        + "upload, download with a sha256 check, listing, telemetry, a classified failure and "
        + "the status table, each with the agentctl command that does the same on a real VM."})
final class DemoCommand implements Callable<Integer>, TimeoutHelp {
  /** Every step's own limit: generous, so a loaded machine still passes. */
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);
  private static final String VM = "demo-vm";
  private static final String MISSING_VM = "vm-missing";
  private static final String REMOTE_DIR = "/srv/demo";
  private static final int PAYLOAD_BYTES = 4 * 1024 * 1024;

  @ParentCommand
  Agentctl root;

  private PrintWriter out;
  private boolean json;
  private int step;
  /** The fake agent's endpoint, once it listens (the JSON lines' envelope). */
  private String endpoint;

  @Override
  public String timeoutHelp() {
    return "not used (each step has its own 20s deadline)";
  }

  @Override
  public Integer call() throws Exception {
    out = root.console().out();
    json = root.json;
    long started = System.nanoTime();
    Path work = Files.createTempDirectory("agentctl-demo-");
    try {
      run(work);
    } finally {
      deleteTree(work);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (json) {
      out.println(Json.line(VM, endpoint,
          Json.obj().put("step", "done").put("ok", true).put("durationMillis", took)));
    } else {
      out.println();
      out.println("demo finished in " + Format.duration(took) + ": every step passed.");
      out.println("Next: the same against a real VM, e.g.");
      out.println("  agentctl -e unix:/var/run/quantix-kvm/vms/vm-42.agent.sock exec -- uname -a");
      out.println("  agentctl status --dir /var/run/quantix-kvm/vms");
    }
    out.flush();
    return ExitCodes.OK;
  }

  private void run(Path work) throws Exception {
    if (!json) {
      out.println("agentctl demo: the Quantix Agent SDK against a fake guest agent (no VM needed)");
    }
    // 1. The fake agent listens where QEMU would put the VM's virtio-serial channel.
    Path socket = work.resolve(VM + Endpoints.SOCKET_SUFFIX);
    try (FakeGuestAgent agent = FakeGuestAgent.builder().socketPath(socket).hostname(VM)
            .ipAddresses("10.0.0.42", "fd00::42").telemetryInterval(Duration.ofSeconds(1))
            .build().start();
        // One registry for every VM of the directory: this is what a host daemon keeps.
        AgentRegistry registry = AgentRegistry.builder()
            .resolver(EndpointResolver.directory(work)).ioThreads(1).build()) {
      endpoint = agent.endpoint();
      step("start", "a fake guest agent listens on the VM's channel socket",
          "agentctl -e " + endpoint + " ...",
          Json.obj().put("endpoint", endpoint),
          "fake agent " + "listening on " + endpoint);

      AgentClient vm = registry.client(VM).withTimeout(STEP_TIMEOUT);

      long firstStart = System.nanoTime();
      vm.ping().get();
      Duration first = Duration.ofNanos(System.nanoTime() - firstStart);
      Pong pong = vm.ping().get();
      step("ping", "round trips; the first one opens the VM's session",
          "agentctl -e " + endpoint + " ping",
          Json.obj().put("agentVersion", pong.agentVersion())
              .put("guestUptimeMillis", pong.guestUptime().toMillis())
              .put("firstPingMicros", first.toNanos() / 1000)
              .put("roundTripMicros", pong.roundTrip().toNanos() / 1000),
          "agent " + pong.agentVersion() + ", guest up " + Format.duration(pong.guestUptime())
              + ", round trip " + Format.millis(pong.roundTrip()) + " (first ping, with connect: "
              + Format.millis(first) + ")");

      AgentInfo info = vm.agentInfo().orElseThrow(
          () -> CliError.failure("the agent sent no AgentReady"));
      step("info", "what the agent announced when the session started (AgentReady)",
          "agentctl -e " + endpoint + " info",
          InfoCommand.json(VM, endpoint, info),
          info.hostname() + ": " + (info.osName() + " " + info.osVersion()).strip() + ", kernel "
              + info.kernelVersion() + " (" + info.architecture() + "), "
              + String.join(", ", info.ipAddresses()) + ", " + info.capabilities().size()
              + " capabilities");

      String command = "echo hello from the guest; uname -s";
      ExecResult r = vm.exec(Exec.shell(command)).get();
      step("exec", "a shell command in the guest (the fake answers from its built-in commands)",
          "agentctl -e " + endpoint + " exec -- '" + command + "'",
          Json.obj().put("command", command).put("exitCode", r.exitCode())
              .put("stdout", r.stdout()),
          "exit " + r.exitCode() + ", stdout: " + r.stdout().strip().replace("\n", " | "));
      if (!r.succeeded()) {
        throw CliError.failure("the demo command failed: exit " + r.exitCode() + " "
            + r.stderr().strip());
      }

      Path payload = work.resolve("payload.bin");
      byte[] bytes = new byte[PAYLOAD_BYTES];
      new Random(42).nextBytes(bytes);
      Files.write(payload, bytes);
      String sent = sha256(payload);
      String remote = REMOTE_DIR + "/payload.bin";
      TransferResult up = vm.upload(payload, remote,
          UploadOptions.DEFAULT.withCreateParents(true).withMode(0640)).get();
      vm.upload("written by agentctl demo\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          REMOTE_DIR + "/notes.txt", UploadOptions.DEFAULT).get();
      step("upload", "a local file into the guest, in acknowledged 1 MiB chunks",
          "agentctl -e " + endpoint + " push payload.bin " + remote + " --mode 0640 -p",
          Json.obj().put("remote", remote).put("bytes", up.bytes()).put("chunks", up.chunks())
              .put("sha256", sent),
          Format.bytes(up.bytes()) + " of random bytes to " + remote + " in " + up.chunks()
              + " chunks (" + Format.rate(up.mibPerSecond()) + "), sha256 " + shortHash(sent));

      Path back = work.resolve("payload.back");
      TransferResult down = vm.download(remote, back, DownloadOptions.DEFAULT).get();
      String received = sha256(back);
      if (!received.equals(sent)) {
        throw CliError.failure("sha256 mismatch: sent " + sent + ", received " + received);
      }
      step("download", "the file back, ranged reads in flight, checked with sha256",
          "agentctl -e " + endpoint + " pull " + remote + " payload.back",
          Json.obj().put("remote", remote).put("bytes", down.bytes()).put("sha256", received)
              .put("matches", true),
          Format.bytes(down.bytes()) + " (" + Format.rate(down.mibPerSecond()) + "), sha256 "
              + shortHash(received) + " matches the upload");

      List<FileEntry> listing = vm.files().list(REMOTE_DIR).get();
      List<String> names = new ArrayList<>();
      List<Json.Obj> entries = new ArrayList<>();
      for (FileEntry e : listing) {
        names.add(e.name() + " (" + Format.bytes(e.size()) + ", "
            + Format.permissions(FileViews.typeChar(e), e.permissions()) + ")");
        entries.add(FileViews.json(e));
      }
      step("list", "the guest directory, paged by the SDK so no entry is lost",
          "agentctl -e " + endpoint + " ls " + REMOTE_DIR,
          Json.obj().put("path", REMOTE_DIR).put("entries", entries),
          REMOTE_DIR + ": " + String.join(", ", names));

      Telemetry t = firstTelemetry(vm);
      step("telemetry", "what the guest pushes every 5 s (every second here)",
          "agentctl -e " + endpoint + " watch --count 3",
          Views.telemetryJson(VM, t), Views.telemetryLine(VM, t));

      AgentException missing = expectFailure(registry.client(MISSING_VM)
          .withTimeout(STEP_TIMEOUT));
      Failures.Failure f = Failures.classify(missing);
      step("failure", "a VM without a channel socket: failures are classified, not guessed",
          "agentctl -e unix:" + work.resolve(MISSING_VM + Endpoints.SOCKET_SUFFIX) + " ping",
          Json.obj().put("vm", MISSING_VM)
              .put("endpoint", "unix:" + work.resolve(MISSING_VM + Endpoints.SOCKET_SUFFIX))
              .put("code", missing.code().name())
              .put("failure", String.valueOf(missing.connectFailure()))
              .put("exitCode", f.exitCode()),
          f.message() + " (agentctl exits " + f.exitCode() + ")");

      step("status", "every VM of the directory from cached state, no I/O",
          "agentctl status --dir " + work, null, "");
      if (json) {
        registry.statuses().values().forEach(
            s -> out.println(Json.line(s.vmId(), s.endpoint(), Views.statusJson(s))));
        out.flush();
      } else {
        Views.statusTable(registry.statuses().values()).print(indented());
      }
    }
  }

  private Telemetry firstTelemetry(AgentClient vm)
      throws InterruptedException, ExecutionException, TimeoutException {
    CompletableFuture<Telemetry> first = new CompletableFuture<>();
    Subscription subscription = vm.onTelemetry(first::complete);
    try {
      vm.latestTelemetry().ifPresent(first::complete);
      return first.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      subscription.close();
    }
  }

  private static AgentException expectFailure(AgentClient vm) throws InterruptedException {
    try {
      vm.ping().get();
    } catch (ExecutionException e) {
      return AgentException.from(e);
    }
    throw CliError.failure("a ping of a VM without a socket succeeded");
  }

  private void step(String name, String what, String command, Json.Obj data, String result) {
    step++;
    if (json) {
      if (data != null) {
        Json.Obj line = Json.obj().put("step", name).put("ok", true);
        data.map().forEach(line::put);
        out.println(Json.line(VM, endpoint, line));
      }
    } else {
      out.println();
      out.printf("[%d/%d] %s: %s%n", step, stepNames().size(), name, what);
      out.println("      $ " + command);
      if (!result.isEmpty()) {
        out.println("      " + result);
      }
    }
    out.flush();
  }

  /** The output, indented like the step results. */
  private PrintWriter indented() {
    return new PrintWriter(new java.io.Writer() {
      private boolean lineStart = true;

      @Override
      public void write(char[] cbuf, int off, int len) {
        for (int i = off; i < off + len; i++) {
          if (lineStart) {
            out.write("      ");
          }
          out.write(cbuf[i]);
          lineStart = cbuf[i] == '\n';
        }
      }

      @Override
      public void flush() {
        out.flush();
      }

      @Override
      public void close() {
        flush();
      }
    }, true);
  }

  static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(file)) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String shortHash(String hex) {
    return hex.substring(0, 16) + "...";
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  static List<String> stepNames() {
    return List.of("start", "ping", "info", "exec", "upload", "download", "list", "telemetry",
        "failure", "status");
  }
}
