package io.quantix.agent.it.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.it.Closer;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** status() answers from cache in microseconds while agents hang, refuse and flap. */
class StatusLatencyIT {
  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  private FakeGuestAgent agent(String vm, Duration telemetry) {
    return closer.add(FakeGuestAgent.builder().socketPath(tmp.resolve(vm + ".agent.sock"))
        .telemetryInterval(telemetry).workerThreads(2).start());
  }

  private static long percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  @Test
  void statusStaysUnderAMillisecondAtP99WhileAgentsHangRefuseAndFlap() throws Exception {
    List<String> vms = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      agent("healthy-" + i, Duration.ofMillis(100));
      vms.add("healthy-" + i);
      // Hangs: the channel is held by another client, the SDK's connect sits in the backlog.
      FakeGuestAgent held = agent("held-" + i, Duration.ofMillis(100));
      closer.add(RegistryTesting.holdChannel(held.socketPath()));
      vms.add("held-" + i);
      // Hangs: answers nothing and stops reading after the first request.
      FakeGuestAgent stalled = agent("stalled-" + i, Duration.ZERO);
      stalled.faultAll(Fault.stall(Duration.ZERO));
      vms.add("stalled-" + i);
      // Flaps: closes the connection after every reply (the readiness probe's pong first).
      FakeGuestAgent flapping = agent("flapping-" + i, Duration.ofMillis(100));
      flapping.faultAll(Fault.closeAfterReply());
      vms.add("flapping-" + i);
      // Refuses: a socket file nobody listens on.
      RegistryTesting.staleSocket(tmp.resolve("refused-" + i + ".agent.sock"));
      vms.add("refused-" + i);
      vms.add("missing-" + i);
    }
    AgentRegistry registry = closer.add(AgentRegistry.builder()
        .resolver(EndpointResolver.directory(tmp))
        .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
        .readyTimeout(Duration.ofMillis(300))
        .keepAlive(Duration.ofMillis(100), 2)
        .build());
    Map<String, Set<AgentState>> seen = new ConcurrentHashMap<>();
    registry.addStatusListener((previous, current) -> seen
        .computeIfAbsent(current.vmId(), k -> ConcurrentHashMap.newKeySet()).add(current.state()));
    vms.forEach(registry::client);
    // Wait until every kind of trouble is under way.
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        seen.getOrDefault("flapping-0", Set.of()).contains(AgentState.DISCONNECTED)
            && seen.getOrDefault("held-0", Set.of()).contains(AgentState.AGENT_SILENT)
            && seen.getOrDefault("stalled-0", Set.of()).contains(AgentState.AGENT_SILENT)
            && registry.status("refused-0").state() == AgentState.VM_NOT_RUNNING
            && registry.status("missing-0").state() == AgentState.NO_CHANNEL
            && registry.status("healthy-0").state() == AgentState.CONNECTED);

    int threads = 4;
    int perThread = 50_000;
    long[][] nanos = new long[threads][perThread];
    long[] statusesNanos = new long[200];
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      Thread reader = new Thread(() -> {
        try {
          go.await();
          for (int i = 0; i < perThread; i++) {
            String vm = vms.get((i + me) % vms.size());
            long start = System.nanoTime();
            AgentStatus s = registry.status(vm);
            nanos[me][i] = System.nanoTime() - start;
            if (s.vmId() == null) {
              throw new AssertionError("no status for " + vm);
            }
          }
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
      }, "status-reader-" + t);
      reader.start();
      readers.add(reader);
    }
    go.countDown();
    for (int i = 0; i < statusesNanos.length; i++) {
      long start = System.nanoTime();
      Map<String, AgentStatus> all = registry.statuses();
      statusesNanos[i] = System.nanoTime() - start;
      assertThat(all).hasSize(vms.size());
    }
    for (Thread reader : readers) {
      reader.join(TimeUnit.SECONDS.toMillis(60));
    }
    assertThat(error.get()).isNull();

    long[] all = Arrays.stream(nanos).flatMapToLong(Arrays::stream).sorted().toArray();
    Arrays.sort(statusesNanos);
    long p50 = percentile(all, 0.50);
    long p99 = percentile(all, 0.99);
    long p999 = percentile(all, 0.999);
    System.out.printf("status(): %d calls, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us;"
            + " statuses() of %d VMs: p50 %.1f us, p99 %.1f us%n", all.length, p50 / 1e3,
        p99 / 1e3, p999 / 1e3, all[all.length - 1] / 1e3, vms.size(),
        percentile(statusesNanos, 0.5) / 1e3, percentile(statusesNanos, 0.99) / 1e3);
    // The states kept changing while we measured.
    assertThat(seen.keySet()).contains("flapping-0", "held-0", "stalled-0");
    assertThat(EnumSet.copyOf(seen.get("flapping-0"))).contains(AgentState.CONNECTED,
        AgentState.DISCONNECTED);
    assertThat(p99).isLessThan(TimeUnit.MILLISECONDS.toNanos(1));
  }
}
