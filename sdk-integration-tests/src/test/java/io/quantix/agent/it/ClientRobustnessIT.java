package io.quantix.agent.it;

import static io.quantix.agent.it.ClientCoreIT.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.Pong;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the client copes with what real agents and channels do wrong. */
class ClientRobustnessIT {
  private Harness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void repliesOutOfOrderAreMatchedById() {
    h = new Harness(b -> b.reverseOrder(8), b -> b).awaitConnected();
    List<CompletableFuture<Pong>> pings = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      pings.add(h.client.ping());
    }
    pings.forEach(CompletableFuture::join);
    assertThat(pings).allSatisfy(p -> assertThat(p.join().agentVersion()).isEqualTo("0.1.27"));
  }

  @Test
  void repliesWithUnknownIdsAreDroppedAndCounted() {
    AtomicInteger unknown = new AtomicInteger();
    AgentMetrics metrics = new AgentMetrics() {
      @Override
      public void unknownReply(String vmId) {
        unknown.incrementAndGet();
      }
    };
    h = new Harness(b -> b, b -> b.metrics(metrics)).awaitConnected();
    h.agent.fault(PayloadCase.EXECUTE, Fault.unknownMessageId());
    AgentException e = failure(h.client.withTimeout(Duration.ofMillis(500))
        .exec(Exec.shell("true")));
    assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
    assertThat(e.mayHaveRun()).isTrue();
    assertThat(unknown.get()).isEqualTo(1);
    h.agent.clearFaults();
    assertThat(h.client.ping().join()).isNotNull();
  }

  @Test
  void garbageAndUnparsableFramesMidStreamAreSkipped() {
    h = new Harness().awaitConnected();
    h.agent.fault(PayloadCase.PING, Fault.garbageBeforeReply(1000));
    assertThat(h.client.ping().join()).isNotNull();
    h.agent.fault(PayloadCase.PING, Fault.unparsableFrame().then(Fault.none()));
    h.agent.clearFaults();
    assertThat(h.client.ping().join()).isNotNull();
  }

  @Test
  void aTruncatedReplyCostsThatCallOnlyAndIdempotentCallsRecover() {
    h = new Harness().awaitConnected();
    h.agent.fault(PayloadCase.EXECUTE, Fault.truncatedReply());
    AgentException e = failure(h.client.withTimeout(Duration.ofSeconds(1))
        .exec(Exec.shell("true")));
    assertThat(e.code()).isIn(Code.DEADLINE_EXCEEDED, Code.UNAVAILABLE);
    h.agent.clearFaults();
    Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> h.client.withTimeout(Duration.ofSeconds(1)).ping().join() != null);
  }

  @Test
  void agentReadyMidSessionFailsOrRetriesCallsSentBefore() {
    h = new Harness().awaitConnected();
    // The guest resets and loses the ping: ping is idempotent, so the client sends it again.
    h.agent.enqueue(PayloadCase.PING, io.quantix.agent.testkit.ScriptedReply.fault(
        Fault.guestReset().then(Fault.noReply())));
    Pong pong = h.client.withTimeout(Duration.ofSeconds(5)).ping().join();
    assertThat(pong).isNotNull();
    // An exec may have run: it fails with a retryable cause instead of running twice.
    h.agent.enqueue(PayloadCase.EXECUTE, io.quantix.agent.testkit.ScriptedReply.fault(
        Fault.guestReset().then(Fault.noReply())));
    AgentException e = failure(h.client.withTimeout(Duration.ofSeconds(5))
        .exec(Exec.shell("true")));
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e.mayHaveRun()).isTrue();
    assertThat(e.getMessage()).contains("reset");
  }

  @Test
  void deadlineWhileAwaitingTheReply() {
    h = new Harness().awaitConnected();
    h.agent.fault(PayloadCase.EXECUTE, Fault.noReply());
    long start = System.nanoTime();
    AgentException e = failure(h.client.withTimeout(Duration.ofMillis(300))
        .exec(Exec.shell("true")));
    assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
    assertThat(e.getMessage()).contains("waiting for the agent's reply");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void deadlineWhileQueuedBehindAChannelHeldElsewhere() throws Exception {
    // QEMU's chardev serves one client: a second connect waits in the backlog and hears nothing.
    io.quantix.agent.testkit.FakeGuestAgent agent = io.quantix.agent.testkit.FakeGuestAgent
        .builder().start();
    try (java.nio.channels.SocketChannel holder = java.nio.channels.SocketChannel.open(
            java.net.UnixDomainSocketAddress.of(agent.socketPath()));
        io.quantix.agent.registry.AgentRegistry registry =
            io.quantix.agent.registry.AgentRegistry.builder()
                .resolver(io.quantix.agent.registry.EndpointResolver.explicit(java.util.Map.of("vm",
                    List.of(io.quantix.agent.transport.Endpoint.parse(agent.endpoint())))))
                .readyTimeout(Duration.ofSeconds(30)).build()) {
      AgentException e = failure(registry.client("vm").withTimeout(Duration.ofMillis(300)).ping());
      assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
      assertThat(e.getMessage()).contains("waiting for a session");
      assertThat(e.mayHaveRun()).isFalse();
      assertThat(holder.isConnected()).isTrue();
    } finally {
      agent.close();
    }
  }

  @Test
  void expiredCallsAreNeverWritten() throws Exception {
    h = new Harness().awaitConnected();
    long before = h.agent.requestCount();
    AgentException e = failure(h.client.withDeadline(io.quantix.agent.Deadline.after(Duration.ZERO))
        .exec(Exec.shell("true")));
    assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
    assertThat(h.client.ping().join()).isNotNull();
    assertThat(h.agent.requestCount()).isEqualTo(before + 1);
  }

  @Test
  void connectionLostFailsPendingCallsAtOnceAndRetriesIdempotentOnes() {
    h = new Harness().awaitConnected();
    h.agent.enqueue(PayloadCase.EXECUTE,
        io.quantix.agent.testkit.ScriptedReply.fault(Fault.closeBeforeReply()));
    long start = System.nanoTime();
    AgentException e = failure(h.client.exec(Exec.shell("true")));
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e.mayHaveRun()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    // The new session's readiness probe must not take the one-shot fault meant for our ping.
    h.awaitConnected();
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> h.agent.counters().connectionsAccepted() == 2 && h.agent.requestCount() >= 3);
    h.agent.enqueue(PayloadCase.PING,
        io.quantix.agent.testkit.ScriptedReply.fault(Fault.closeBeforeReply()));
    assertThat(h.client.ping().join()).isNotNull();
    assertThat(h.agent.counters().connectionsAccepted()).isEqualTo(3);
  }

  @Test
  void execMayBeRetriedWhenTheCallerOptsIn() {
    h = new Harness().awaitConnected();
    h.agent.enqueue(PayloadCase.EXECUTE,
        io.quantix.agent.testkit.ScriptedReply.fault(Fault.closeBeforeReply()));
    ExecResult r = h.client.withOptions(CallOptions.DEFAULT.withRetryOfNonIdempotent(true))
        .exec(Exec.shell("echo again")).join();
    assertThat(r.stdout()).isEqualTo("again\n");
  }

  @Test
  void cancellingRemovesThePendingCall() throws Exception {
    AtomicInteger unknown = new AtomicInteger();
    h = new Harness(b -> b, b -> b.metrics(new AgentMetrics() {
      @Override
      public void unknownReply(String vmId) {
        unknown.incrementAndGet();
      }
    })).awaitConnected();
    h.agent.fault(PayloadCase.PING, Fault.delay(Duration.ofMillis(300)));
    long before = h.agent.requestCount();
    CompletableFuture<Pong> f = h.client.ping();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> h.agent.requestCount() > before);
    f.cancel(true);
    assertThat(failure(f).code()).isEqualTo(Code.CANCELLED);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> unknown.get() == 1);
    assertThat(h.client.status().isConnected()).isTrue();
  }

  @Test
  void aListenerThatBlocksForeverDoesNotDelayReplies() throws Exception {
    h = new Harness().awaitConnected();
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    h.client.onTelemetry(t -> {
      entered.countDown();
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 50; i++) {
      assertThat(h.client.withTimeout(Duration.ofSeconds(2)).ping().join()).isNotNull();
    }
    never.countDown();
  }

  @Test
  void tooManyCallsInFlightFailFastWithResourceExhausted() {
    h = new Harness(b -> b, b -> b.maxInFlight(4)).awaitConnected();
    h.agent.fault(PayloadCase.EXECUTE, Fault.delay(Duration.ofMillis(500)));
    List<CompletableFuture<ExecResult>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(h.client.exec(Exec.shell("true")));
    }
    AgentException e = failure(h.client.ping());
    assertThat(e.code()).isEqualTo(Code.RESOURCE_EXHAUSTED);
    calls.forEach(CompletableFuture::join);
  }
}
