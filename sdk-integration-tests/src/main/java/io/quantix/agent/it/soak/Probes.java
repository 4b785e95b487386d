package io.quantix.agent.it.soak;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** Measurements of the process around the soak: threads, fds, heap, leaked buffers. */
final class Probes {
  private static final Path THREAD_STATUS = Path.of("/proc/thread-self/status");
  private static final String INVOLUNTARY = "nonvoluntary_ctxt_switches:";
  private Probes() {}

  /**
   * Loads classes and native libraries once, so that they do not count as leaks. That includes the
   * JDK's own NIO socket code: the first JDK channel of a process makes a socket pair, keeps one end
   * (unnamed, its peer closed) for the life of the JVM, and dup2()s it over a descriptor being
   * closed asynchronously. On JDK 21 and newer nothing before the soak's stale socket made it, so it
   * counted as a socket left open after close.
   */
  static void warmUp() throws Exception {
    ServerSocketChannel.open(StandardProtocolFamily.UNIX).close();
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start();
        AgentRegistry registry = AgentRegistry.builder()
            .resolver(EndpointResolver.explicit(
                Map.of("vm-warm", List.of(Endpoint.parse(agent.endpoint())))))
            .build()) {
      registry.client("vm-warm").ping().get(30, TimeUnit.SECONDS);
    }
    awaitNoSdkThreads(Duration.ofSeconds(10));
  }

  static long sdkThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("quantix-agent-"))
        .count();
  }

  static long awaitNoSdkThreads(Duration max) throws InterruptedException {
    long until = System.nanoTime() + max.toNanos();
    long n;
    while ((n = sdkThreads()) > 0 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    return n;
  }

  /**
   * What may interrupt a timed call on the calling thread without the SDK's doing: collections so
   * far (every collector summed) plus this thread's involuntary context switches (Linux's
   * {@code /proc/thread-self/status}; 0 where it cannot be read). A status() call timed across a
   * change of it measured the collector or the run queue: 200 callers share two vCPUs here, and on
   * JDK 25 the soak's own System.gc() calls shrink G1's heap until young pauses of 2-8 ms come
   * every second or so.
   */
  static long interruptions() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n + involuntarySwitches();
  }

  private static long involuntarySwitches() {
    try {
      for (String line : Files.readAllLines(THREAD_STATUS)) {
        if (line.startsWith(INVOLUNTARY)) {
          return Long.parseLong(line.substring(INVOLUNTARY.length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or no procfs: only collections are seen.
    }
    return 0;
  }

  static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** What each open fd points at (a path, socket:[inode], pipe:[...], anon_inode:...). */
  static java.util.List<String> fdTargets() throws IOException {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          out.add(target.startsWith("socket:[") ? target + unixPath(target) : target);
        } catch (IOException e) {
          // Closed while listing (the listing's own fd).
        }
      }
    }
    return out;
  }

  /** The path of a Unix socket inode from /proc/net/unix, for reports (empty if unnamed). */
  private static String unixPath(String socketTarget) {
    String inode = socketTarget.substring("socket:[".length(), socketTarget.length() - 1);
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 7 && f[6].equals(inode)) {
          return f.length > 7 ? " " + f[7] : " (unix, unnamed, state " + f[5] + ")";
        }
      }
    } catch (IOException | RuntimeException e) {
      return "";
    }
    return " (not unix)";
  }

  static long awaitFdsAtMost(long limit, Duration max) throws Exception {
    long until = System.nanoTime() + max.toNanos();
    long n;
    while ((n = openFds()) > limit && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    return n;
  }

  /** Used heap after a confirmed full collection. */
  static long heapAfterGc() throws InterruptedException {
    gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void gc() throws InterruptedException {
    for (int cycle = 0; cycle < 2; cycle++) {
      WeakReference<Object> sentinel = new WeakReference<>(new Object());
      for (int i = 0; i < 50 && sentinel.get() != null; i++) {
        System.gc();
        Thread.sleep(10);
      }
    }
  }

  /**
   * Leaked buffers: Netty reports one when a tracked buffer was collected unreleased and another
   * buffer is then allocated, so collect, allocate, and read the count.
   */
  static long leaksAfterGc(AtomicLong leaks) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      gc();
      for (int j = 0; j < 100; j++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
        b.release();
      }
    }
    return leaks.get();
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
