package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallFutureTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "callbacks"));
  private final AtomicInteger executorRuns = new AtomicInteger();
  private final java.util.concurrent.Executor callbacks = task -> {
    executorRuns.incrementAndGet();
    pool.execute(task);
  };

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private static Thread blockedIn(Runnable waiting) {
    Thread thread = new Thread(waiting, "waiter");
    thread.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> thread.getState() == Thread.State.WAITING
        || thread.getState() == Thread.State.TIMED_WAITING);
    return thread;
  }

  @Test
  void withoutAWaiterTheCompletionRunsOnTheCallbackExecutor() {
    CallFuture<String> future = new CallFuture<>(callbacks);
    AtomicReference<String> ranOn = new AtomicReference<>();
    future.completeVia(() -> {
      ranOn.set(Thread.currentThread().getName());
      future.complete("pong");
    });
    assertThat(future.join()).isEqualTo("pong");
    assertThat(ranOn).hasValue("callbacks");
    assertThat(executorRuns).hasValue(1);
  }

  @Test
  void aThreadBlockedInJoinRunsTheCompletionItself() throws Exception {
    CallFuture<String> future = new CallFuture<>(callbacks);
    AtomicReference<String> result = new AtomicReference<>();
    AtomicReference<String> ranOn = new AtomicReference<>();
    Thread waiter = blockedIn(() -> result.set(future.join()));
    future.completeVia(() -> {
      ranOn.set(Thread.currentThread().getName());
      future.complete("pong");
    });
    waiter.join(5_000);
    assertThat(result).hasValue("pong");
    assertThat(ranOn).hasValue("waiter");
    assertThat(executorRuns).hasValue(0);
  }

  @Test
  void aThreadBlockedInGetRunsTheCompletionItself() throws Exception {
    CallFuture<String> future = new CallFuture<>(callbacks);
    AtomicReference<Object> result = new AtomicReference<>();
    Thread waiter = blockedIn(() -> {
      try {
        result.set(future.get(30, TimeUnit.SECONDS));
      } catch (Exception e) {
        result.set(e);
      }
    });
    future.completeVia(() -> future.completeExceptionally(new IllegalStateException("boom")));
    waiter.join(5_000);
    assertThat(result.get()).isInstanceOf(java.util.concurrent.ExecutionException.class);
    assertThat(executorRuns).hasValue(0);
  }

  @Test
  void cancellingWakesAThreadBlockedInJoin() throws Exception {
    CallFuture<String> future = new CallFuture<>(callbacks);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter = blockedIn(() -> {
      try {
        future.join();
      } catch (RuntimeException e) {
        thrown.set(e);
      }
    });
    future.cancel(false);
    waiter.join(5_000);
    assertThat(thrown.get()).isInstanceOf(CancellationException.class);
    // The late reply finds nobody waiting and goes to the executor, where it changes nothing.
    future.completeVia(() -> future.complete("late"));
    await().atMost(Duration.ofSeconds(5)).until(() -> executorRuns.get() == 1);
    assertThat(future.isCancelled()).isTrue();
  }

  @Test
  void aCompletionFromAnotherThreadWakesAThreadBlockedInJoin() throws Exception {
    CallFuture<String> future = new CallFuture<>(callbacks);
    AtomicReference<String> result = new AtomicReference<>();
    Thread waiter = blockedIn(() -> result.set(future.join()));
    future.complete("elsewhere");
    waiter.join(5_000);
    assertThat(result).hasValue("elsewhere");
  }

  @Test
  void everyOtherWayOfCompletingWakesAThreadBlockedInJoin() throws Exception {
    java.util.List<java.util.function.Consumer<CallFuture<String>>> ways = java.util.List.of(
        f -> f.completeAsync(() -> "async"),
        f -> f.obtrudeValue("obtruded"),
        f -> f.obtrudeException(new IllegalStateException("obtruded")),
        f -> f.orTimeout(10, TimeUnit.MILLISECONDS),
        f -> f.completeOnTimeout("late default", 10, TimeUnit.MILLISECONDS));
    for (java.util.function.Consumer<CallFuture<String>> way : ways) {
      CallFuture<String> future = new CallFuture<>(callbacks);
      AtomicReference<Object> outcome = new AtomicReference<>();
      Thread waiter = blockedIn(() -> {
        try {
          outcome.set(future.join());
        } catch (RuntimeException e) {
          outcome.set(e);
        }
      });
      way.accept(future);
      waiter.join(5_000);
      assertThat(waiter.isAlive()).as("a waiter woken by every completion path").isFalse();
      assertThat(outcome.get()).isNotNull();
    }
  }

  @Test
  void aTimedOutGetLeavesTheCompletionToTheExecutor() throws Exception {
    CallFuture<String> future = new CallFuture<>(callbacks);
    assertThatThrownBy(() -> future.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    future.completeVia(() -> future.complete("pong"));
    assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo("pong");
    assertThat(executorRuns).hasValue(1);
  }

  @Test
  void anInterruptedGetThrowsAndLeavesTheCompletionToTheExecutor() throws Exception {
    CallFuture<String> future = new CallFuture<>(callbacks);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter = blockedIn(() -> {
      try {
        future.get();
      } catch (Exception e) {
        thrown.set(e);
      }
    });
    waiter.interrupt();
    waiter.join(5_000);
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    future.completeVia(() -> future.complete("pong"));
    assertThat(future.join()).isEqualTo("pong");
    assertThat(executorRuns).hasValue(1);
  }

  @Test
  void anInterruptedJoinKeepsWaitingAndKeepsTheInterrupt() throws Exception {
    CallFuture<String> future = new CallFuture<>(callbacks);
    AtomicReference<String> result = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread waiter = blockedIn(() -> {
      result.set(future.join());
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    waiter.interrupt();
    future.completeVia(() -> future.complete("pong"));
    waiter.join(5_000);
    assertThat(result).hasValue("pong");
    assertThat(stillInterrupted).hasValue(true);
  }

  @Test
  void racingCompletionsAndJoinsRunEachCompletionExactlyOnce() throws Exception {
    int rounds = 20_000;
    AtomicInteger completionRuns = new AtomicInteger();
    ExecutorService joiners = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < rounds; i++) {
        CallFuture<Integer> future = new CallFuture<>(callbacks);
        int value = i;
        CountDownLatch start = new CountDownLatch(1);
        CompletableFuture<Integer> joined = CompletableFuture.supplyAsync(() -> {
          awaitQuietly(start);
          return future.join();
        }, joiners);
        start.countDown();
        future.completeVia(() -> {
          completionRuns.incrementAndGet();
          future.complete(value);
        });
        assertThat(joined.get(5, TimeUnit.SECONDS)).isEqualTo(value);
      }
    } finally {
      joiners.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> completionRuns.get() == rounds);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
