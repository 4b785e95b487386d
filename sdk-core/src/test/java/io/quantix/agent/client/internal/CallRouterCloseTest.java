package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.proto.AgentMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The router's side of the shutdown contract, on an embedded loop with hand-moved time. */
@Timeout(30)
class CallRouterCloseTest {
  private final MockTicker ticker = Ticker.newMockTicker();
  private final EmbeddedChannel ch = LinkTesting.channel(ticker);
  private final LinkTesting.FakeLink link = new LinkTesting.FakeLink();
  private final CallRouter router = new CallRouter(link, "vm-test",
      LinkTesting.config(4, 2, 1), ch.eventLoop());

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
  }

  private static AgentException failure(CompletableFuture<?> f) {
    Throwable t = catchThrowable(f::join);
    return AgentException.from(t instanceof CompletionException ? t.getCause() : t);
  }

  @Test
  void callsAfterCloseFailAtOnceWithoutAPermit() {
    router.close(true);
    for (int i = 0; i < 2_000; i++) {
      CompletableFuture<AgentMessage> f = router.submit(LinkTesting.ping(Duration.ofSeconds(5), ticker));
      AgentException e = failure(f);
      assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
      assertThat(e.getMessage()).contains("the agent registry is closed");
      assertThat(e.mayHaveRun()).isFalse();
    }
    assertThat(router.inFlight()).isZero();
    assertThat(router.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
  }

  @Test
  void closeFailsWaitingAndWrittenCallsWithMayHaveRunOnlyWhereWritten() {
    Call<AgentMessage> waiting = LinkTesting.ping(Duration.ofSeconds(60), ticker);
    CompletableFuture<AgentMessage> w = router.submit(waiting);
    ch.runPendingTasks();
    SessionHandler session = LinkTesting.attachReadySession(link, router, ch);
    CompletableFuture<AgentMessage> sent = router.submit(LinkTesting.ping(Duration.ofSeconds(60), ticker));
    ch.runPendingTasks();
    assertThat(w).isNotDone();
    assertThat(sent).isNotDone();

    router.close(false);
    router.failAll(session);

    assertThat(failure(w).mayHaveRun()).isFalse();
    assertThat(failure(w).getMessage()).contains("removed from its registry");
    assertThat(failure(sent).mayHaveRun()).isTrue();
    assertThat(router.inFlight()).isZero();
  }

  @Test
  void aRefusedCompletionHandOffCompletesDirectly() {
    Executor refusing = task -> {
      throw new RejectedExecutionException("stopped");
    };
    CompletionBatch batch = new CompletionBatch(ch.eventLoop(), refusing);
    CallFuture<String> f = new CallFuture<>(batch);
    assertThatCode(() -> f.completeVia(() -> f.complete("done"))).doesNotThrowAnyException();
    assertThat(f).isCompletedWithValue("done");
    CallFuture<String> g = new CallFuture<>(refusing);
    g.completeVia(() -> g.complete("direct"));
    assertThat(g).isCompletedWithValue("direct");
  }
}
