package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.client.internal.AgentClientImpl;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shutdown contract of {@link AgentRegistry#close()}: every call pending at close, issued
 * during it, or issued on a client after it completes promptly with UNAVAILABLE ("registry is
 * closed"), nothing throws, and every permit and counter is released.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShutdownContractIT {
  private static final String VM = "vm-shutdown";

  @RegisterExtension final Closer closer = new Closer();

  private AgentRegistry registry(FakeGuestAgent agent, EventLoops shared) {
    AgentRegistry.Builder b = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of(VM, List.of(Endpoint.parse(agent.endpoint())))))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .readyTimeout(Duration.ofSeconds(5))
        .maxInFlight(16);
    if (shared != null) {
      b.eventLoops(shared);
    }
    return closer.add(b.build());
  }

  private static void awaitConnected(AgentRegistry registry) {
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status(VM).state() == AgentState.CONNECTED);
  }

  /** The failure of a future that must have failed; fails the test if it succeeded. */
  private static AgentException failureOf(CompletableFuture<?> f) {
    Throwable t = f.handle((v, e) -> e).join();
    assertThat(t).as("the call must fail").isNotNull();
    if (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    assertThat(t).isInstanceOf(AgentException.class);
    return (AgentException) t;
  }

  private static void assertClosedFailure(AgentException e) {
    assertThat(e.code()).as(e.toString()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e.getMessage() + " / " + e.getCause()).contains("registry is closed");
  }

  @Test
  void callsOnAClientAfterCloseFailWithoutThrowingAndReleaseTheirPermits() throws Exception {
    FakeGuestAgent agent = closer.add(FakeGuestAgent.builder().telemetryInterval(Duration.ZERO)
        .start());
    EventLoops shared = closer.add(EventLoops.create(1));
    AgentRegistry first = registry(agent, shared);
    AgentClient client = first.client(VM);
    client.ping().get(20, TimeUnit.SECONDS);
    first.close();

    AgentClient timed = client.withOptions(CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)));
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      int n = i;
      assertThatCode(() -> calls.add(switch (n % 3) {
        case 0 -> timed.ping();
        case 1 -> timed.exec(Exec.program("true"));
        default -> timed.upload(new byte[16], "/after-close-" + n, UploadOptions.DEFAULT);
      })).as("call %d after close", n).doesNotThrowAnyException();
    }
    for (CompletableFuture<?> f : calls) {
      AgentException e = failureOf(f.orTimeout(10, TimeUnit.SECONDS));
      assertClosedFailure(e);
      assertThat(e.mayHaveRun()).isFalse();
    }
    VmLinkProbe.assertReleased(client);

    // The shared loops still serve a new registry.
    AgentRegistry second = registry(agent, shared);
    AgentClient again = second.client(VM);
    awaitConnected(second);
    assertThat(again.ping().get(20, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void callsAfterCloseOfARegistryWithItsOwnLoopsFailWithoutThrowing() throws Exception {
    FakeGuestAgent agent = closer.add(FakeGuestAgent.builder().telemetryInterval(Duration.ZERO)
        .start());
    AgentRegistry registry = registry(agent, null);
    AgentClient client = registry.client(VM);
    client.ping().get(20, TimeUnit.SECONDS);
    registry.close();
    for (int i = 0; i < 100; i++) {
      CompletableFuture<?>[] f = new CompletableFuture<?>[3];
      assertThatCode(() -> {
        f[0] = client.ping();
        f[1] = client.exec(Exec.program("true"));
        f[2] = client.upload(new byte[16], "/x", UploadOptions.DEFAULT);
      }).doesNotThrowAnyException();
      for (CompletableFuture<?> c : f) {
        assertClosedFailure(failureOf(c.orTimeout(10, TimeUnit.SECONDS)));
      }
    }
    VmLinkProbe.assertReleased(client);
  }

  @Test
  void callsInFlightAtCloseAllCompletePromptlyWithUnavailable() throws Exception {
    FakeGuestAgent agent = closer.add(FakeGuestAgent.builder().telemetryInterval(Duration.ZERO)
        .maxInFlight(1_000).start());
    AgentRegistry registry = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of(VM, List.of(Endpoint.parse(agent.endpoint())))))
        .readyTimeout(Duration.ofSeconds(5))
        .build();
    closer.add(registry);
    AgentClient client = registry.client(VM)
        .withOptions(CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60)));
    client.ping().get(20, TimeUnit.SECONDS);
    CountDownLatch received = new CountDownLatch(100);
    agent.onRequest(PayloadCase.PING, request -> {
      received.countDown();
      return null;
    });
    List<CompletableFuture<?>> pings = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      pings.add(client.ping());
    }
    assertThat(received.await(30, TimeUnit.SECONDS)).as("the agent read all 100 pings").isTrue();

    registry.close();

    // Well inside the 60 s deadline: completion comes from close, not from the deadline timer.
    for (CompletableFuture<?> f : pings) {
      AgentException e = failureOf(f.orTimeout(10, TimeUnit.SECONDS));
      assertClosedFailure(e);
      assertThat(e.mayHaveRun()).as("the request was written").isTrue();
    }
    VmLinkProbe.assertReleased(client);
  }

  @Test
  void closeIsBoundedWhenTheAgentIsSilentAndAListenerBlocks() throws Exception {
    FakeGuestAgent agent = closer.add(FakeGuestAgent.builder().telemetryInterval(Duration.ZERO)
        .start());
    AgentRegistry registry = registry(agent, null);
    CountDownLatch never = new CountDownLatch(1);
    registry.addStatusListener((previous, current) -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    AgentClient client = registry.client(VM)
        .withOptions(CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60)));
    client.ping().get(20, TimeUnit.SECONDS);
    agent.fault(PayloadCase.PING, Fault.stall(Duration.ZERO));
    CompletableFuture<?> stalled = client.ping();
    long start = System.nanoTime();
    registry.close();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    never.countDown();
    // The documented bound of close() is 15 s; 5 s more for a loaded machine.
    assertThat(tookMillis).as("close() is bounded").isLessThanOrEqualTo(15_000 + 5_000);
    assertClosedFailure(failureOf(stalled.orTimeout(10, TimeUnit.SECONDS)));
  }

  /** Reads the link's counters through the internal client (ITs may). */
  static final class VmLinkProbe {
    static void assertReleased(AgentClient client) {
      var link = ((AgentClientImpl) client).link();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> link.inFlight() == 0);
      // Failures caused by the close are not the agent's: they must not open the breaker.
      assertThat(link.circuitBreaker().getState())
          .isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
    }
  }
}
