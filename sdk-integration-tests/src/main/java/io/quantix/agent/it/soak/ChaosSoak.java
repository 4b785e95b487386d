package io.quantix.agent.it.soak;

import io.netty.buffer.ByteBufUtil;
import io.netty.util.ResourceLeakDetector;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.client.internal.AgentClientImpl;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chaos soak of issue 13: one registry, 20 fake agents with seeded faults (see
 * {@link SoakFleet}), 200 caller threads issuing random calls (ping, exec of built-in commands,
 * stat, upload, download, status()) with 0.5–3 s deadlines, then a close of the registry while the
 * callers keep calling. {@link #run()} returns the invariants, each with its figures.
 *
 * <p>Buffers are tracked with Netty's PARANOID leak detection; run it with
 * {@code -Dio.netty.leakDetection.targetRecords=0} (set before Netty loads), or the access stacks
 * recorded on every buffer touch slow the I/O loops more than the SDK's own work.
 *
 * <pre>{@code
 * SoakResult r = new ChaosSoak(42L, Duration.ofSeconds(20)).run();
 * r.lines().forEach(System.out::println);
 * assert r.violations().isEmpty();
 * }</pre>
 */
public final class ChaosSoak {
  /** VMs of the soak, the missing and the stale socket included. */
  public static final int VMS = 20;
  /** Caller threads. */
  public static final int CALLERS = 200;
  /** Heap growth allowed from start to end, after GC. */
  public static final long HEAP_SLACK_BYTES = 64L << 20;

  private final long seed;
  private final Duration duration;
  private final AtomicLong leaks = new AtomicLong();
  private final ConcurrentLinkedQueue<String> leakReports = new ConcurrentLinkedQueue<>();

  /** A soak of {@code duration} (calls, then close while calling) drawn from {@code seed}. */
  public ChaosSoak(long seed, Duration duration) {
    if (duration.compareTo(Duration.ofSeconds(5)) < 0) {
      throw new IllegalArgumentException("a soak lasts at least 5 s, not " + duration);
    }
    this.seed = seed;
    this.duration = duration;
  }

  /** Runs the soak; never throws for a broken invariant (see {@link SoakResult#violations()}). */
  public SoakResult run() throws Exception {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ByteBufUtil.setLeakListener((type, records) -> {
      leaks.incrementAndGet();
      leakReports.add(type);
    });
    Probes.warmUp();
    // Also loads what the measurements themselves open lazily (management beans).
    Probes.heapAfterGc();
    long fdsBefore = Probes.openFds();
    List<String> fdTargetsBefore = Probes.fdTargets();
    SoakResult.Builder out = new SoakResult.Builder(seed, duration);
    Path dir = Files.createTempDirectory("quantix-soak-");
    SoakFleet fleet = new SoakFleet(dir, seed, VMS);
    SoakLedger ledger = new SoakLedger(new ArrayList<>(fleet.endpoints.keySet()));
    // The start: agents and the ledger's own arrays exist, the registry does not yet.
    long heapBefore = Probes.heapAfterGc();
    List<String> vms = new ArrayList<>(fleet.endpoints.keySet());
    fleet.faults.forEach((vm, fault) -> out.info("vm " + vm + ": " + fault));
    AgentRegistry registry = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(fleet.endpoints))
        .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .readyTimeout(Duration.ofSeconds(2))
        .keepAlive(Duration.ofSeconds(1), 2)
        .resetGrace(Duration.ofMillis(300))
        .callbackThreads(4)
        .build();
    List<AgentClient> clients = new ArrayList<>();
    for (String vm : vms) {
      clients.add(registry.client(vm));
    }
    HiccupMeter stalls = new HiccupMeter();
    clients.stream().map(c -> ((AgentClientImpl) c).link().loop()).distinct()
        .forEach(stalls::watch);
    Callers callers = new Callers(clients, ledger, seed);
    long start = System.nanoTime();
    long closeAt = start + duration.toNanos() * 4 / 5;
    callers.start(CALLERS);
    long heapDuring = 0;
    while (System.nanoTime() < closeAt) {
      fleet.sampleConnections();
      Thread.sleep(5);
    }
    heapDuring = Probes.heapAfterGc();
    fleet.sampleConnections();
    callers.closing = true;
    long closeStart = System.nanoTime();
    registry.close();
    long closeNanos = System.nanoTime() - closeStart;
    // Callers keep calling on the closed registry's clients for a while.
    long end = start + duration.toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(20);
    }
    callers.stop();
    fleet.stopFlood();
    // Every call's deadline is at most 3 s: all must have completed by then.
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!ledger.pending.isEmpty() && System.nanoTime() < waitUntil) {
      Thread.sleep(20);
    }
    stalls.close();
    out.calls(ledger, callers, closeNanos, stalls);
    out.agentSide(fleet, ledger);
    fleet.close();
    Probes.deleteTree(dir);
    out.afterClose(Probes.awaitNoSdkThreads(Duration.ofSeconds(10)),
        Probes.awaitFdsAtMost(fdsBefore, Duration.ofSeconds(10)), fdsBefore,
        Probes.leaksAfterGc(leaks), leakReports, fdTargetsBefore, Probes.fdTargets());
    out.heap(heapBefore, heapDuring, Probes.heapAfterGc());
    out.status(ledger);
    return out.build();
  }

  /** The caller threads: each issues one random call at a time and waits for it. */
  static final class Callers {
    private final List<AgentClient> clients;
    private final SoakLedger ledger;
    private final long seed;
    private final List<Thread> threads = new ArrayList<>();
    volatile boolean closing;
    private volatile boolean stopped;
    final AtomicLong thrown = new AtomicLong();

    Callers(List<AgentClient> clients, SoakLedger ledger, long seed) {
      this.clients = clients;
      this.ledger = ledger;
      this.seed = seed;
    }

    void start(int n) {
      for (int i = 0; i < n; i++) {
        SplittableRandom random = new SplittableRandom(seed * 1_000 + i);
        Thread t = new Thread(() -> loop(random), "soak-caller-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    void stop() throws InterruptedException {
      stopped = true;
      for (Thread t : threads) {
        t.join(10_000);
      }
    }

    private static void pause(SplittableRandom random) {
      try {
        Thread.sleep(5 + random.nextInt(21));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void loop(SplittableRandom random) {
      long n = 0;
      while (!stopped) {
        AgentClient base = clients.get(random.nextInt(clients.size()));
        int dice = random.nextInt(100);
        if (dice < 10) {
          long interruptions = Probes.interruptions();
          long t0 = System.nanoTime();
          base.status();
          long took = System.nanoTime() - t0;
          if (Probes.interruptions() == interruptions) {
            ledger.status(base.vmId(), took);
          } else {
            ledger.statusInterrupted(took);
          }
          continue;
        }
        long deadlineMillis = 500 + random.nextInt(2_501);
        AgentClient c = base.withOptions(
            CallOptions.DEFAULT.withTimeout(Duration.ofMillis(deadlineMillis)));
        String token = Thread.currentThread().getName() + "-" + (n++);
        String op;
        String ran = null;
        long issuedAt = System.nanoTime();
        CompletableFuture<?> f;
        try {
          if (dice < 40) {
            op = "ping";
            f = c.ping();
          } else if (dice < 62) {
            op = "exec";
            ran = token;
            int kind = random.nextInt(3);
            f = c.exec(kind == 0 ? Exec.program("echo", "soak", token)
                : kind == 1 ? Exec.program("true", token)
                : Exec.program("sleep", String.valueOf(random.nextInt(1, 16) / 10.0), token));
          } else if (dice < 77) {
            op = "stat";
            f = c.files().stat(SoakFleet.SEED_FILE);
          } else if (dice < 89) {
            op = "upload";
            String path = "/up/" + token;
            ran = path + "#0";
            f = c.upload(new byte[random.nextInt(1, 200 * 1024)], path,
                UploadOptions.DEFAULT.withCreateParents(true));
          } else {
            op = "download";
            f = c.download(SoakFleet.SEED_FILE, new ByteArrayOutputStream(), DownloadOptions.DEFAULT);
          }
        } catch (RuntimeException | Error e) {
          thrown.incrementAndGet();
          ledger.thrown("call", e);
          pause(random);
          continue;
        }
        ledger.track(op, base.vmId(), ran, issuedAt, TimeUnit.MILLISECONDS.toNanos(deadlineMillis), closing, f);
        try {
          f.get(deadlineMillis + 2_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          // The ledger judges the outcome; a call still pending stays in it. A caller that saw a
          // failure pauses a little, as a real one would, instead of spinning on a closed VM.
          pause(random);
        }
      }
    }
  }
}
