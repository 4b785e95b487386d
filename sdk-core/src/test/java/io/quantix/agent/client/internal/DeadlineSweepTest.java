package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.proto.AgentMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One wake-up per link for every call's deadline, on hand-moved time. */
@Timeout(30)
class DeadlineSweepTest {
  private final MockTicker ticker = Ticker.newMockTicker();
  private final EmbeddedChannel ch = LinkTesting.channel(ticker);
  private final CountingTimers timers = new CountingTimers();
  private final DeadlineSweep sweep = new DeadlineSweep(ch.eventLoop(), timers);
  private final Map<Call<?>, Long> expiredAt = new HashMap<>();

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
  }

  private void expire(Call<?> call) {
    expiredAt.put(call, ticker.nanoTime());
    call.fail(AgentException.of(Code.DEADLINE_EXCEEDED, "test"));
  }

  private Call<AgentMessage> watched(long timeoutMillis) {
    Call<AgentMessage> call = LinkTesting.ping(Duration.ofMillis(timeoutMillis), ticker);
    sweep.track(call, this::expire);
    return call;
  }

  private void advanceMillis(long millis) {
    ticker.advance(millis, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void everyUnfinishedCallExpiresExactlyAtItsDeadlineAndNoFinishedOneEver(long seed) {
    Random random = new Random(seed);
    long start = ticker.nanoTime();
    List<Call<AgentMessage>> calls = new ArrayList<>();
    Map<Call<?>, Long> dueMillis = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      long timeout = 1 + random.nextInt(100);
      Call<AgentMessage> c = watched(timeout);
      calls.add(c);
      dueMillis.put(c, timeout);
    }
    List<Call<AgentMessage>> finishedEarly = new ArrayList<>();
    for (Call<AgentMessage> c : calls) {
      if (random.nextInt(3) == 0) {
        c.succeed(AgentMessage.getDefaultInstance());
        finishedEarly.add(c);
      }
    }
    assertThat(sweep.size()).isEqualTo(calls.size() - finishedEarly.size());

    for (int ms = 1; ms <= 101; ms++) {
      advanceMillis(1);
    }

    assertThat(sweep.size()).isZero();
    for (Call<AgentMessage> c : calls) {
      if (finishedEarly.contains(c)) {
        assertThat(expiredAt).doesNotContainKey(c);
        assertThat(c.future).isCompleted();
      } else {
        long millis = TimeUnit.NANOSECONDS.toMillis(expiredAt.get(c) - start);
        assertThat(millis).as("expiry of a call due at %d ms", dueMillis.get(c))
            .isEqualTo(dueMillis.get(c));
        assertThat(c.future).isCompletedExceptionally();
      }
    }
  }

  @Test
  void aSteadyStreamOfCallsWithOneTimeoutArmsOneWakeUpAndLeavesNoTimerBehind() {
    for (int i = 0; i < 1000; i++) {
      Call<AgentMessage> c = watched(30_000);
      advanceMillis(1);
      c.succeed(AgentMessage.getDefaultInstance());
    }
    assertThat(timers.scheduled).isEqualTo(1);
    assertThat(sweep.size()).isZero();

    // The one wake-up fires at the first call's deadline, finds nothing due, and re-arms nothing.
    advanceMillis(30_000);
    assertThat(timers.pending()).isZero();
    assertThat(ch.runScheduledPendingTasks()).as("nanos to the loop's next timer").isEqualTo(-1L);
    assertThat(expiredAt).isEmpty();
  }

  @Test
  void anEarlierDeadlineReArmsTheWakeUpAndALaterOneDoesNot() {
    Call<AgentMessage> late = watched(30_000);
    Call<AgentMessage> later = watched(40_000);
    assertThat(timers.scheduled).isEqualTo(1);

    Call<AgentMessage> early = watched(1_000);
    assertThat(timers.scheduled).isEqualTo(2);
    assertThat(timers.pending()).isEqualTo(1);

    advanceMillis(1_000);
    assertThat(expiredAt).containsOnlyKeys(early);
    advanceMillis(29_000);
    assertThat(expiredAt).containsOnlyKeys(early, late);
    advanceMillis(10_000);
    assertThat(expiredAt).containsOnlyKeys(early, late, later);
    assertThat(timers.pending()).isZero();
  }

  @Test
  void aRouterLeavesNoTimerOnTheLoopWhileItsCallsAwaitReplies() {
    RecordingTimers elsewhere = new RecordingTimers();
    LinkConfig base = LinkTesting.config(4, 2, 1);
    LinkConfig config = new LinkConfig(base.eventLoops(), base.transports(),
        base.transportOptions(), base.callbackExecutor(), base.eventExecutor(), base.metrics(),
        base.maxInFlight(), base.maxWaiting(), base.connectTimeout(), base.readyTimeout(),
        base.resetGrace(), base.keepAliveIdle(), base.keepAliveMisses(), base.reconnectMin(),
        base.reconnectMax(), base.maxAttempts(), base.breakerConfig(), base.guarding(), elsewhere);
    LinkTesting.FakeLink link = new LinkTesting.FakeLink();
    CallRouter router = new CallRouter(link, "vm-test", config, ch.eventLoop());
    LinkTesting.attachReadySession(link, router, ch);

    List<CompletableFuture<AgentMessage>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      futures.add(router.submit(LinkTesting.ping(Duration.ofSeconds(30), ticker)));
    }
    ch.runPendingTasks();

    assertThat(futures).allMatch(f -> !f.isDone());
    assertThat(ch.runScheduledPendingTasks()).as("nanos to the loop's next timer").isEqualTo(-1L);
    assertThat(elsewhere.delays).hasSize(1);
    assertThat(elsewhere.delays.get(0)).isEqualTo(TimeUnit.SECONDS.toNanos(30));
    ch.releaseOutbound();
  }

  /** The loop's own timers, counted. */
  private static final class CountingTimers implements LinkTimers {
    int scheduled;
    private final List<Future<?>> handles = new ArrayList<>();

    @Override
    public Future<?> schedule(EventLoop loop, Runnable task, long delayNanos) {
      scheduled++;
      Future<?> handle = LinkTimers.onLoop().schedule(loop, task, delayNanos);
      handles.add(handle);
      return handle;
    }

    long pending() {
      return handles.stream().filter(f -> !f.isDone()).count();
    }

    @Override
    public void close() {}
  }

  /** Timers that only record what they were asked (they never fire). */
  private static final class RecordingTimers implements LinkTimers {
    final List<Long> delays = new ArrayList<>();

    @Override
    public Future<?> schedule(EventLoop loop, Runnable task, long delayNanos) {
      delays.add(delayNanos);
      return new CompletableFuture<>();
    }

    @Override
    public void close() {}
  }
}
