package io.quantix.agent.benchmarks.harness;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps a fixed number of asynchronous requests outstanding: each reply starts the next request
 * until the window closes, then the outstanding ones drain.
 */
final class Pipeline {
  /** Starts one asynchronous request that ends in exactly one of the two callbacks. */
  interface Starter {
    void start(Runnable onReply, Consumer<Throwable> onFailure);
  }

  private final Starter starter;
  private final long end;
  private final AtomicLong counted = new AtomicLong();
  private final AtomicInteger outstanding;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  private Pipeline(Starter starter, int depth, long end) {
    this.starter = starter;
    this.end = end;
    this.outstanding = new AtomicInteger(depth);
  }

  /** A starter for requests that return a future: its completion is the reply or the failure. */
  static Starter ofFutures(Supplier<? extends CompletableFuture<?>> request) {
    return (onReply, onFailure) -> request.get().whenComplete((reply, failure) -> {
      if (failure != null) {
        onFailure.accept(failure);
      } else {
        onReply.run();
      }
    });
  }

  /** Replies per second with {@code depth} requests in flight for {@code nanos}. */
  static double run(int depth, long nanos, Starter starter) throws Exception {
    long start = System.nanoTime();
    Pipeline p = new Pipeline(starter, depth, start + nanos);
    for (int i = 0; i < depth; i++) {
      p.issue();
    }
    try {
      p.drained.get(TimeUnit.NANOSECONDS.toSeconds(nanos) + 60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(p.outstanding.get() + " requests never completed", e);
    }
    Throwable t = p.failure.get();
    if (t != null) {
      throw new IllegalStateException("a pipelined request failed: " + t, t);
    }
    return p.counted.get() * 1e9 / nanos;
  }

  private void issue() {
    try {
      starter.start(this::onReply, this::onFailure);
    } catch (RuntimeException e) {
      onFailure(e);
    }
  }

  private void onReply() {
    if (System.nanoTime() < end && failure.get() == null) {
      counted.incrementAndGet();
      issue();
    } else {
      retire();
    }
  }

  private void onFailure(Throwable t) {
    failure.compareAndSet(null, t);
    retire();
  }

  private void retire() {
    if (outstanding.decrementAndGet() == 0) {
      drained.complete(null);
    }
  }
}
