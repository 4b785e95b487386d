package io.quantix.agent.it.soak;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.proto.TelemetryReport;
import io.quantix.agent.testkit.AsyncRequestHandler;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.FakeGuestAgentFleet;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.RandomFaults;
import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak's guests: fake agents of the testkit with seeded faults, a missing and a stale socket,
 * and the agent-side ledger of what ran (every exec token and upload path, counted where the agent
 * handles it). Faults per VM, in a seeded order: crash after reading a request, guest reset,
 * duplicate replies, unknown-id replies, a telemetry flood, 16 MiB frame headers, slow, silent,
 * garbled streams, and mild mixes on the rest.
 */
final class SoakFleet implements AutoCloseable {
  /** A file every agent holds, for stat and download. */
  static final String SEED_FILE = "/seed.bin";
  static final int SEED_BYTES = 96 * 1024;
  /** Telemetry reports per 10 ms from the flooding agent: 1,000/s, 5,000 times the usual rate. */
  static final int FLOOD_PER_10_MS = 10;

  final FakeGuestAgentFleet fleet;
  final Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
  final Map<String, String> faults = new LinkedHashMap<>();
  /** Exec tokens and upload paths as the agents ran them, with how often. */
  final ConcurrentHashMap<String, AtomicInteger> ran = new ConcurrentHashMap<>();
  private final AtomicBoolean flooding = new AtomicBoolean(true);
  private final Thread flooder;
  private final Map<String, AtomicInteger> maxConnections = new ConcurrentHashMap<>();
  private final Path dir;

  SoakFleet(Path dir, long seed, int vms) throws IOException {
    this.dir = dir;
    int agents = vms - 2;
    fleet = FakeGuestAgentFleet.builder().directory(dir).vmCount(agents).seed(seed)
        .agents(b -> b.telemetryInterval(Duration.ofMillis(500)).maxInFlight(512)
            .recordLimit(0).localShell(false))
        .start();
    List<String> ids = new ArrayList<>(fleet.vmIds());
    java.util.Collections.shuffle(ids, new Random(seed));
    FakeGuestAgent flood = null;
    for (int i = 0; i < ids.size(); i++) {
      String vm = ids.get(i);
      FakeGuestAgent agent = fleet.agent(vm);
      endpoints.put(vm, List.of(Endpoint.parse(agent.endpoint())));
      Files.write(agent.sandbox().resolve(SEED_FILE.substring(1)), new byte[SEED_BYTES]);
      record(agent);
      String kind = applyFault(i, agent);
      if (kind.equals("telemetry flood")) {
        flood = agent;
      }
      faults.put(vm, kind);
      maxConnections.put(vm, new AtomicInteger());
    }
    Path missing = dir.resolve("vm-missing.agent.sock");
    endpoints.put("vm-missing", List.of(Endpoint.parse("unix:" + missing)));
    faults.put("vm-missing", "missing socket");
    Path stale = dir.resolve("vm-stale.agent.sock");
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(stale));
    }
    endpoints.put("vm-stale", List.of(Endpoint.parse("unix:" + stale)));
    faults.put("vm-stale", "stale socket (nobody listens)");
    FakeGuestAgent flooded = flood;
    flooder = new Thread(() -> flood(flooded), "soak-telemetry-flood");
    flooder.setDaemon(true);
    flooder.start();
  }

  private static String applyFault(int i, FakeGuestAgent agent) {
    switch (i) {
      case 0:
        agent.randomFaults(RandomFaults.of(0.05, Fault.closeBeforeReply()));
        return "crash after reading a request (5%)";
      case 1:
        agent.randomFaults(RandomFaults.of(0.03, Fault.guestReset()));
        return "guest reset instead of a reply (3%)";
      case 2:
        agent.randomFaults(RandomFaults.of(0.2, Fault.duplicateReply()));
        return "duplicate replies (20%)";
      case 3:
        agent.randomFaults(RandomFaults.of(0.1, Fault.unknownMessageId()));
        return "unknown-id replies (10%)";
      case 4:
        return "telemetry flood";
      case 5:
        agent.randomFaults(RandomFaults.of(0.05, Fault.oversizeLength()));
        return "16 MiB frame headers (5%)";
      case 6:
        agent.randomFaults(RandomFaults.of(0.5, Fault.delay(Duration.ofMillis(400)),
            Fault.delay(Duration.ofMillis(1_500))));
        return "slow (50%: 0.4 or 1.5 s)";
      case 7:
        agent.faultAll(Fault.stall(Duration.ZERO));
        return "silent (stops reading)";
      case 8:
        agent.randomFaults(RandomFaults.of(0.05, Fault.garbageBeforeReply(300),
            Fault.truncatedReply(), Fault.unparsableFrame()));
        return "garbled stream (5%)";
      default:
        agent.randomFaults(RandomFaults.of(0.02, Fault.delay(Duration.ofMillis(200)),
            Fault.duplicateReply(), Fault.unknownMessageId(), Fault.closeBeforeReply(),
            Fault.agentReadyBeforeReply()));
        return "mild mix (2%)";
    }
  }

  /** Exec answered from a built-in set (echo, true, sleep), file writes counted, both by token. */
  private void record(FakeGuestAgent agent) {
    Executor later = CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS);
    agent.onRequestAsync(PayloadCase.EXECUTE, request -> {
      var exec = request.getExecute();
      List<String> args = exec.getArgsList();
      ran(args.isEmpty() ? exec.getCommand() : args.get(args.size() - 1));
      ExecuteResponse.Builder r = ExecuteResponse.newBuilder().setExitCode(0);
      long sleepMillis = 0;
      switch (exec.getCommand()) {
        case "echo":
          r.setStdout(String.join(" ", args) + "\n");
          break;
        case "true":
          break;
        case "sleep":
          sleepMillis = (long) (Double.parseDouble(args.get(0)) * 1000);
          break;
        default:
          r.setExitCode(127).setStderr(exec.getCommand() + ": not found");
      }
      AgentMessage reply = AgentMessage.newBuilder().setExecuteResponse(r.setDurationMs(sleepMillis))
          .build();
      return sleepMillis == 0 ? CompletableFuture.completedFuture(reply)
          : CompletableFuture.supplyAsync(() -> reply,
              CompletableFuture.delayedExecutor(sleepMillis, TimeUnit.MILLISECONDS, later));
    });
    AsyncRequestHandler write = agent.defaultHandler(PayloadCase.FILE_WRITE);
    agent.onRequestAsync(PayloadCase.FILE_WRITE, request -> {
      ran(request.getFileWrite().getPath() + "#" + request.getFileWrite().getChunkNumber());
      return write.handle(request);
    });
  }

  private void ran(String token) {
    ran.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
  }

  private void flood(FakeGuestAgent agent) {
    AgentMessage report = AgentMessage.newBuilder().setTelemetry(TelemetryReport.newBuilder()
        .setCpuUsagePercent(12.5).setMemoryTotalBytes(8L << 30).setMemoryUsedBytes(3L << 30)
        .setProcessCount(321)).build();
    while (flooding.get() && agent != null) {
      for (int i = 0; i < FLOOD_PER_10_MS; i++) {
        agent.sendEvent(report);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Samples every agent's open host connections (the SDK must never hold two to one VM). */
  void sampleConnections() {
    for (String vm : fleet.vmIds()) {
      int open = fleet.agent(vm).openConnections();
      maxConnections.get(vm).accumulateAndGet(open, Math::max);
    }
  }

  /** The most connections any VM saw at once, and which. */
  Map.Entry<String, Integer> maxConnections() {
    String worst = "";
    int max = 0;
    for (Map.Entry<String, AtomicInteger> e : maxConnections.entrySet()) {
      if (e.getValue().get() > max) {
        max = e.getValue().get();
        worst = e.getKey();
      }
    }
    return Map.entry(worst, max);
  }

  void stopFlood() throws InterruptedException {
    flooding.set(false);
    flooder.interrupt();
    flooder.join(5_000);
  }

  @Override
  public void close() throws Exception {
    stopFlood();
    fleet.close();
    Files.deleteIfExists(dir.resolve("vm-stale.agent.sock"));
  }
}
