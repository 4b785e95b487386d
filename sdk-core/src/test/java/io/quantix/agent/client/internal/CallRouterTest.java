package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.proto.AgentMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The router on an embedded channel's loop, with a fake link and hand-moved time. */
@Timeout(30)
class CallRouterTest {
  private final MockTicker ticker = Ticker.newMockTicker();
  private final EmbeddedChannel ch = LinkTesting.channel(ticker);
  private final LinkTesting.FakeLink link = new LinkTesting.FakeLink();

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
  }

  private CallRouter router(int maxWaiting, int maxAttempts) {
    return new CallRouter(link, "vm-test", LinkTesting.config(maxWaiting, 2, maxAttempts),
        ch.eventLoop());
  }

  /** A ready session on {@code on}, handing outcomes to {@code router}. */
  private SessionHandler attachReadySession(CallRouter router, EmbeddedChannel on) {
    return LinkTesting.attachReadySession(link, router, on);
  }

  private static AgentException failure(CompletableFuture<?> f) {
    Throwable t = catchThrowable(f::join);
    return AgentException.from(t instanceof CompletionException ? t.getCause() : t);
  }

  @Test
  void aCallWaitsForASessionThenExpiresAtItsDeadlineOnTheFakeClock() {
    CallRouter router = router(4, 1);
    CompletableFuture<AgentMessage> f = router.submit(LinkTesting.ping(Duration.ofSeconds(3), ticker));
    ch.runPendingTasks();
    assertThat(f).isNotDone();

    ticker.advance(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(f).isNotDone();

    ticker.advance(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    AgentException e = failure(f);
    assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
    assertThat(e.getMessage()).contains("waiting for a session").contains("CONNECTING");
    assertThat(router.inFlight()).isZero();
  }

  @Test
  void waitingCallsGoOutInOrderOnceASessionIsReady() {
    CallRouter router = router(4, 1);
    Call<AgentMessage> first = LinkTesting.ping(Duration.ofSeconds(5), ticker);
    Call<AgentMessage> second = LinkTesting.ping(Duration.ofSeconds(5), ticker);
    router.submit(first);
    router.submit(second);
    ch.runPendingTasks();
    assertThat(first.stage()).isEqualTo(Call.Stage.WAITING);

    attachReadySession(router, ch);
    router.dispatchWaiting();

    assertThat(first.stage()).isEqualTo(Call.Stage.AWAITING);
    assertThat(second.stage()).isEqualTo(Call.Stage.AWAITING);
    assertThat(first.messageId()).isNotEqualTo(second.messageId());
    for (int i = 0; i < 2; i++) {
      ByteBuf frame = ch.readOutbound();
      assertThat(frame).isNotNull();
      ReferenceCountUtil.release(frame);
    }
  }

  @Test
  void tooManyWaitingCallsFailFastWithTheLinkState() {
    CallRouter router = router(1, 1);
    CompletableFuture<AgentMessage> waiting =
        router.submit(LinkTesting.ping(Duration.ofSeconds(5), ticker));
    CompletableFuture<AgentMessage> refused =
        router.submit(LinkTesting.ping(Duration.ofSeconds(5), ticker));
    ch.runPendingTasks();

    assertThat(waiting).isNotDone();
    assertThat(failure(refused).getMessage()).contains("1 calls already wait");
  }

  @Test
  void anUnreachableAgentFailsCallsAtOnceWithItsCause() {
    link.mayWait = false;
    CompletableFuture<AgentMessage> f =
        router(4, 1).submit(LinkTesting.ping(Duration.ofSeconds(5), ticker));
    ch.runPendingTasks();
    assertThat(failure(f).getMessage()).isEqualTo("vm-test: agent down");
  }

  @Test
  void aCallLostWithItsSessionIsRetriedAfterABackoffWithinTheDeadline() {
    CallRouter router = router(4, 3);
    EmbeddedChannel sessionChannel = LinkTesting.channel(ticker);
    attachReadySession(router, sessionChannel);
    Call<AgentMessage> call = LinkTesting.ping(Duration.ofSeconds(30), ticker);
    router.submit(call);
    ch.runPendingTasks();
    assertThat(call.stage()).isEqualTo(Call.Stage.AWAITING);
    ReferenceCountUtil.release(sessionChannel.readOutbound());

    link.ready = null;
    sessionChannel.close();
    sessionChannel.runPendingTasks();
    // A ping is idempotent: lost with the session, it is tried again after a short backoff.
    assertThat(call.stage()).isEqualTo(Call.Stage.BACKOFF);
    assertThat(call.attempts()).isEqualTo(1);
    assertThat(call.isDone()).isFalse();

    ticker.advance(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(call.stage()).isEqualTo(Call.Stage.WAITING);
    assertThat(call.isDone()).isFalse();
  }
}
