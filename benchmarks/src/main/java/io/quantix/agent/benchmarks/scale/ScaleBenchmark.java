package io.quantix.agent.benchmarks.scale;

import io.netty.buffer.PooledByteBufAllocator;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The registry at scale: N simulated VMs (testkit fleets in child JVMs, one socket each,
 * telemetry every 5 s) registered in one {@link AgentRegistry} of this process. Measures the time
 * until all are CONNECTED; then, over a steady window, this process's CPU, the heap retained per
 * session, live threads, and {@code status()} latency. Targets: all connected in under 30 s,
 * under 20 % of one core in steady state, at most 32 KiB of heap per idle session, at most 16
 * threads owned by the SDK.
 *
 * <pre>
 * java -Xmx2g -cp CLASSPATH io.quantix.agent.benchmarks.scale.ScaleBenchmark            # 10,000 VMs, 4 fleets, 60 s
 * java -cp CLASSPATH io.quantix.agent.benchmarks.scale.ScaleBenchmark --quick           # 500 VMs, 1 fleet, 10 s
 * java -cp CLASSPATH io.quantix.agent.benchmarks.scale.ScaleBenchmark --vms 2000 --processes 2 --measure 30
 * </pre>
 *
 * <p>Exits with 1 when a target is missed (unless {@code --no-assert}), 2 on bad arguments.
 */
public final class ScaleBenchmark {
  static final Duration CONNECT_TARGET = Duration.ofSeconds(30);
  static final double CPU_TARGET_PERCENT = 20.0;
  static final long HEAP_PER_SESSION_TARGET = 32 * 1024;
  static final int SDK_THREADS_TARGET = 16;

  private final int vms;
  private final int processes;
  private final Duration measure;
  private final Duration telemetry;
  private final boolean assertTargets;
  private final int connects;

  private ScaleBenchmark(int vms, int processes, Duration measure, Duration telemetry,
      boolean assertTargets, int connects) {
    this.vms = vms;
    this.processes = processes;
    this.measure = measure;
    this.telemetry = telemetry;
    this.assertTargets = assertTargets;
    this.connects = connects;
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code --quick}, {@code --vms N}, {@code --processes P}, {@code --measure SECONDS},
   *     {@code --telemetry MILLIS}, {@code --connects ATTEMPTS_AT_ONCE}, {@code --no-assert}
   */
  public static void main(String[] args) throws Exception {
    int vms = 10_000;
    int processes = 4;
    long measureSeconds = 60;
    long telemetryMillis = 5_000;
    boolean assertTargets = true;
    int connects = AgentRegistry.Builder.DEFAULT_MAX_CONCURRENT_CONNECTS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          vms = 500;
          processes = 1;
          measureSeconds = 10;
          break;
        case "--vms":
          vms = Integer.parseInt(args[++i]);
          break;
        case "--processes":
          processes = Integer.parseInt(args[++i]);
          break;
        case "--measure":
          measureSeconds = Long.parseLong(args[++i]);
          break;
        case "--telemetry":
          telemetryMillis = Long.parseLong(args[++i]);
          break;
        case "--connects":
          connects = Integer.parseInt(args[++i]);
          break;
        case "--no-assert":
          assertTargets = false;
          break;
        default:
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
      }
    }
    if (vms < 1 || processes < 1 || processes > vms) {
      System.err.println("need 1 <= processes <= vms");
      System.exit(2);
    }
    boolean met = new ScaleBenchmark(vms, processes, Duration.ofSeconds(measureSeconds),
        Duration.ofMillis(telemetryMillis), assertTargets, connects).run();
    System.exit(met || !assertTargets ? 0 : 1);
  }

  private boolean run() throws Exception {
    Path dir = Files.createTempDirectory("qx-scale");
    List<FleetHandle> fleets = new ArrayList<>();
    try {
      long startFleets = System.nanoTime();
      int per = (vms + processes - 1) / processes;
      for (int p = 0, first = 1; p < processes && first <= vms; p++, first += per) {
        fleets.add(FleetHandle.start(dir, first, Math.min(per, vms - first + 1), telemetry));
      }
      for (FleetHandle f : fleets) {
        f.awaitReady(Duration.ofMinutes(3));
      }
      log("%d simulated VMs listening in %d processes after %.1f s", vms, fleets.size(),
          seconds(System.nanoTime() - startFleets));
      return measure(dir);
    } finally {
      for (FleetHandle f : fleets) {
        f.stop();
      }
      try (Stream<Path> files = Files.list(dir)) {
        files.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
  }

  private boolean measure(Path dir) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long heapBefore = usedHeapAfterGc(memory);
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

    AtomicInteger connected = new AtomicInteger();
    AtomicLong drops = new AtomicLong();
    CountDownLatch allConnected = new CountDownLatch(1);
    ScaleResults r = new ScaleResults();
    long started;
    AtomicLong attempts = new AtomicLong();
    AgentRegistry registry = AgentRegistry.builder().resolver(EndpointResolver.directory(dir))
        .maxConcurrentConnects(connects)
        .metrics(new AgentMetrics() {
          @Override
          public void connectAttempt(String vmId, int attempt) {
            attempts.incrementAndGet();
          }
        })
        .build();
    try {
      registry.addStatusListener((previous, current) -> {
        if (current.state() == AgentState.CONNECTED && previous.state() != AgentState.CONNECTED) {
          if (connected.incrementAndGet() == vms) {
            allConnected.countDown();
          }
        } else if (previous.state() == AgentState.CONNECTED
            && current.state() != AgentState.CONNECTED) {
          connected.decrementAndGet();
          drops.incrementAndGet();
        }
      });
      started = System.nanoTime();
      List<String> ids = registry.discover(dir);
      r.registerMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      if (ids.size() != vms) {
        throw new IllegalStateException("discovered " + ids.size() + " VMs, expected " + vms);
      }
      while (!allConnected.await(5, TimeUnit.SECONDS)) {
        log("  %d/%d connected after %.1f s", connected.get(), vms,
            seconds(System.nanoTime() - started));
        if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(3)) {
          break;
        }
      }
      r.connectMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      r.connected = connected.get();
      r.connectAttempts = attempts.get();
      log("%d/%d CONNECTED after %.2f s (discover() itself took %d ms)", r.connected, vms,
          r.connectMillis / 1e3, r.registerMillis);

      // One telemetry period to settle, then the steady-state window.
      Thread.sleep(telemetry.toMillis());
      long dropsBefore = drops.get();
      var os = (com.sun.management.OperatingSystemMXBean)
          ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      long deadline = wall0 + measure.toNanos();
      while (System.nanoTime() < deadline) {
        Thread.sleep(Math.min(1_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1));
        r.maxThreads = Math.max(r.maxThreads, ManagementFactory.getThreadMXBean().getThreadCount());
        r.maxSdkThreads = Math.max(r.maxSdkThreads, sdkThreads().size());
      }
      long cpu1 = os.getProcessCpuTime();
      long wall1 = System.nanoTime();
      r.cpuPercent = 100.0 * (cpu1 - cpu0) / (wall1 - wall0);
      r.steadyDrops = drops.get() - dropsBefore;
      Map<String, AgentStatus> statuses = registry.statuses();
      r.freshTelemetry = statuses.values().stream().filter(s -> s.telemetryAge()
          .map(age -> age.compareTo(telemetry.multipliedBy(2)) < 0).orElse(false)).count();
      r.connectedAtEnd = statuses.values().stream().filter(AgentStatus::isConnected).count();
      r.sdkThreadNames = sdkThreads();

      long heapAfter = usedHeapAfterGc(memory);
      r.heapPerSession = (heapAfter - heapBefore) / vms;
      r.directMemory = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
      measureStatusLatency(registry, r);
    } finally {
      long closing = System.nanoTime();
      registry.close();
      r.closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
    }
    // Threads end just after their executors report termination; give them a moment.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    List<String> left = sdkThreads();
    while (!left.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(10);
      left = sdkThreads();
    }
    r.sdkThreadsAfterClose = left;
    r.threadsBefore = threadsBefore;
    return r.report(vms, processes, telemetry, measure);
  }

  private void measureStatusLatency(AgentRegistry registry, ScaleResults r) {
    List<String> ids = registry.vmIds();
    int calls = 1_000_000;
    long[] nanos = new long[calls];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < calls; i++) {
      String vm = ids.get(random.nextInt(ids.size()));
      long t = System.nanoTime();
      AgentStatus s = registry.status(vm);
      nanos[i] = System.nanoTime() - t;
      if (s == null) {
        throw new IllegalStateException();
      }
    }
    Arrays.sort(nanos);
    r.statusP50 = nanos[calls / 2];
    r.statusP99 = nanos[(int) (calls * 0.99)];
    long t = System.nanoTime();
    int n = registry.statuses().size();
    r.statusesMillis = (System.nanoTime() - t) / 1e6;
    if (n != vms) {
      throw new IllegalStateException("statuses() has " + n + " VMs");
    }
  }

  private static List<String> sdkThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).filter(n -> n.startsWith("quantix-agent-")).sorted().toList();
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
  }
}
