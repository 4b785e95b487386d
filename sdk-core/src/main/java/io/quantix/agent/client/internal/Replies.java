package io.quantix.agent.client.internal;

import com.google.protobuf.Timestamp;
import io.quantix.agent.AgentException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** Small helpers shared by the operation groups: reply checks, time conversion, early failure. */
final class Replies {
  private Replies() {}

  /** Throws REMOTE_FAILURE with the guest's text unless the reply said {@code success}. */
  static void requireSuccess(String operation, boolean success, String error) {
    if (!success) {
      throw AgentException.remote(operation, error);
    }
  }

  /** The instant of a wire timestamp, or null when the agent sent none. */
  static Instant instant(boolean present, Timestamp t) {
    if (!present) {
      return null;
    }
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** A wire timestamp for {@code instant}. */
  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano()).build();
  }

  /**
   * Runs {@code start}, turning an argument check that throws into a failed future, so that every
   * operation reports through its future and never throws at the caller.
   */
  static <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> start) {
    try {
      return start.get();
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** An unsigned 32-bit wire value as a long. */
  static long unsigned(int value) {
    return Integer.toUnsignedLong(value);
  }

  /**
   * A future completed with {@code fn(value, failure)} of {@code source} (the failure unwrapped to
   * an {@link AgentException}); cancelling it cancels {@code source}.
   */
  static <T, U> CompletableFuture<U> handle(CompletableFuture<T> source,
      BiFunction<? super T, AgentException, ? extends U> fn) {
    CompletableFuture<U> out = new CompletableFuture<>();
    source.whenComplete((v, e) -> {
      try {
        out.complete(fn.apply(v, e == null ? null : AgentException.from(e)));
      } catch (RuntimeException t) {
        out.completeExceptionally(t);
      }
    });
    out.whenComplete((v, e) -> {
      if (out.isCancelled()) {
        source.cancel(false);
      }
    });
    return out;
  }
}
