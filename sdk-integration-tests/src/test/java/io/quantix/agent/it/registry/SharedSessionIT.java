package io.quantix.agent.it.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.internal.AgentClientImpl;
import io.quantix.agent.client.internal.VmLink;
import io.quantix.agent.it.Closer;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.FakeGuestAgentFleet;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One session per VM channel, however many threads ask, over real sockets. */
class SharedSessionIT {
  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  private static AgentRegistry.Builder fastRegistry() {
    return AgentRegistry.builder()
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .readyTimeout(Duration.ofSeconds(5));
  }

  @Test
  void aThousandThreadsAskingForOneVmAtOnceShareOneConnection() throws Exception {
    FakeGuestAgent agent = closer.add(FakeGuestAgent.builder()
        .telemetryInterval(Duration.ofMillis(500)).start());
    AgentRegistry registry = closer.add(fastRegistry()
        .resolver(EndpointResolver.explicit(Map.of("vm", List.of(Endpoint.parse(agent.endpoint())))))
        .build());

    int threads = 1_000;
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    Set<VmLink> links = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        ready.countDown();
        try {
          go.await();
          AgentClient client = registry.client("vm");
          links.add(((AgentClientImpl) client).link());
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
      }, "asker-" + i);
      t.start();
      started.add(t);
    }
    assertThat(ready.await(60, TimeUnit.SECONDS)).isTrue();
    go.countDown();
    for (Thread t : started) {
      t.join(TimeUnit.SECONDS.toMillis(60));
    }
    assertThat(error.get()).isNull();
    assertThat(links).hasSize(1);

    AgentClient client = registry.client("vm");
    assertThat(client.withTimeout(Duration.ofSeconds(20)).ping().join()).isNotNull();
    assertThat(registry.status("vm").state()).isEqualTo(AgentState.CONNECTED);
    assertThat(agent.counters().connectionsAccepted()).isEqualTo(1);
    assertThat(agent.openConnections()).isEqualTo(1);
  }

  @Test
  void pingStatusAndExecFromAHundredThreadsOnTwentyVmsNeverOpenASecondConnection()
      throws Exception {
    FakeGuestAgentFleet fleet = closer.add(FakeGuestAgentFleet.builder()
        .directory(tmp.resolve("vms")).vmCount(20)
        .agents(a -> a.telemetryInterval(Duration.ofMillis(200)))
        .start());
    for (String vm : fleet.vmIds()) {
      fleet.agent(vm).scriptCommand("hostname", ExecuteResponse.newBuilder()
          .setExitCode(0).setStdout(vm + "\n").build());
    }
    AgentRegistry registry = closer.add(fastRegistry()
        .resolver(EndpointResolver.directory(fleet.directory())).build());

    int threads = 100;
    int rounds = 30;
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> error = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    Map<String, Integer> maxOpen = new ConcurrentHashMap<>();
    List<Thread> started = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          go.await();
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int r = 0; r < rounds; r++) {
            String vm = fleet.vmIds().get(random.nextInt(fleet.size()));
            AgentClient client = registry.client(vm).withTimeout(Duration.ofSeconds(60));
            switch (random.nextInt(3)) {
              case 0:
                client.ping().join();
                break;
              case 1:
                AgentStatus s = registry.status(vm);
                assertThat(s.vmId()).isEqualTo(vm);
                break;
              default:
                ExecResult result = client.exec(Exec.shell("hostname")).join();
                assertThat(result.stdout()).isEqualTo(vm + "\n");
            }
            calls.incrementAndGet();
            maxOpen.merge(vm, fleet.agent(vm).openConnections(), Math::max);
          }
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
      }, "mixer-" + i);
      t.start();
      started.add(t);
    }
    go.countDown();
    for (Thread t : started) {
      t.join(TimeUnit.SECONDS.toMillis(110));
    }
    assertThat(error.get()).isNull();
    assertThat(calls.get()).isEqualTo(threads * rounds);
    for (String vm : fleet.vmIds()) {
      assertThat(fleet.agent(vm).counters().connectionsAccepted()).as(vm).isEqualTo(1);
      assertThat(fleet.agent(vm).openConnections()).as(vm).isEqualTo(1);
      assertThat(maxOpen.getOrDefault(vm, 1)).as(vm).isEqualTo(1);
    }
  }

  @Test
  void removingAndAskingAgainNeverOverlapsTwoConnectionsOnTheChannel() throws Exception {
    FakeGuestAgent agent = closer.add(FakeGuestAgent.builder()
        .telemetryInterval(Duration.ZERO).start());
    AgentRegistry registry = closer.add(fastRegistry()
        .resolver(EndpointResolver.explicit(Map.of("vm", List.of(Endpoint.parse(agent.endpoint())))))
        .build());
    for (int i = 1; i <= 5; i++) {
      registry.client("vm").withTimeout(Duration.ofSeconds(20)).ping().join();
      assertThat(agent.openConnections()).isEqualTo(1);
      registry.remove("vm");
      assertThat(registry.status("vm").state()).isEqualTo(AgentState.CLOSED);
      // Asked again at once: the new session waits for the old channel to close.
      registry.client("vm").withTimeout(Duration.ofSeconds(20)).ping().join();
      assertThat(agent.openConnections()).isEqualTo(1);
      registry.remove("vm").get(10, TimeUnit.SECONDS);
    }
    assertThat(agent.awaitNoConnections(Duration.ofSeconds(10))).isTrue();
    assertThat(agent.counters().connectionsAccepted()).isEqualTo(10);
  }

  @Test
  void aRejectedVmLeavesNothingAndFailedConnectsLeakNoDescriptors() {
    Path socket = RegistryTesting.staleSocket(tmp.resolve("down.agent.sock"));
    AtomicInteger attempts = new AtomicInteger();
    AgentRegistry registry = closer.add(AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("down", List.of(Endpoint.unix(socket)))))
        .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(10))
        .metrics(new AgentMetrics() {
          @Override
          public void connectAttempt(String vmId, int attempt) {
            attempts.incrementAndGet();
          }
        })
        .build());

    assertThatThrownBy(() -> registry.client("unknown"))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT));
    assertThat(registry.vmIds()).isEmpty();

    registry.client("down");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> attempts.get() >= 5);
    long before = RegistryTesting.openFiles();
    int from = attempts.get();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> attempts.get() >= from + 200);
    assertThat(RegistryTesting.openFiles()).isLessThanOrEqualTo(before + 2);
    assertThat(registry.status("down").state()).isEqualTo(AgentState.VM_NOT_RUNNING);
    assertThat(registry.vmIds()).containsExactly("down");
  }
}
