package io.quantix.agent.qga.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Freeze, run the caller's action, thaw in every outcome: action success or failure, an action
 * that throws, cancellation, and a freeze that failed after it may have run (a timed-out freeze
 * may still freeze: Linux qemu-ga never thaws on its own). The thaw has its own deadline.
 */
public final class FrozenRun {
  /** Deadline of the thaw that ends a frozen section. */
  public static final Duration THAW_TIMEOUT = Duration.ofSeconds(60);

  private FrozenRun() {}

  /** guest-fsfreeze-freeze, or -freeze-list when {@code mountpoints} is not empty. */
  public static CompletableFuture<Integer> freeze(Calls calls, List<String> mountpoints,
      Duration timeout) {
    ObjectNode args = null;
    String command = "guest-fsfreeze-freeze";
    if (!mountpoints.isEmpty()) {
      command = "guest-fsfreeze-freeze-list";
      args = Json.object();
      ArrayNode list = args.putArray("mountpoints");
      mountpoints.forEach(list::add);
    }
    CompletableFuture<Integer> f = calls.call(command, args, timeout, JsonNode::asInt);
    f.whenComplete((n, e) -> calls.session().state().forgetInfo());
    return f;
  }

  /** guest-fsfreeze-thaw. */
  public static CompletableFuture<Integer> thaw(Calls calls, Duration timeout) {
    CompletableFuture<Integer> f = calls.call("guest-fsfreeze-thaw", null, timeout,
        JsonNode::asInt);
    f.whenComplete((n, e) -> calls.session().state().forgetInfo());
    return f;
  }

  /** The frozen section. */
  public static <T> CompletableFuture<T> run(Calls calls, List<String> mountpoints,
      Duration freezeTimeout, Supplier<? extends CompletionStage<T>> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    freeze(calls, mountpoints, freezeTimeout).whenComplete((n, freezeError) -> {
      if (freezeError != null) {
        AgentException failure = AgentException.from(freezeError);
        if (!failure.mayHaveRun()) {
          result.completeExceptionally(failure);
        } else {
          thawThen(calls, result, null, failure);
        }
        return;
      }
      CompletionStage<T> stage;
      try {
        stage = action.get();
        if (stage == null) {
          throw new IllegalStateException("the frozen action returned no stage");
        }
      } catch (RuntimeException e) {
        thawThen(calls, result, null, e);
        return;
      }
      // Cancelling the result must not wait for the action: thaw at once.
      result.whenComplete((v, e) -> {
        if (result.isCancelled()) {
          thaw(calls, THAW_TIMEOUT);
        }
      });
      stage.whenComplete((value, actionError) -> {
        if (!result.isDone()) {
          thawThen(calls, result, value, actionError);
        }
      });
    });
    return result;
  }

  private static <T> void thawThen(Calls calls, CompletableFuture<T> result, T value,
      Throwable earlier) {
    thaw(calls, THAW_TIMEOUT).whenComplete((n, thawError) -> {
      if (earlier != null) {
        if (thawError != null) {
          earlier.addSuppressed(thawError);
        }
        result.completeExceptionally(
            earlier instanceof java.util.concurrent.CompletionException && earlier.getCause() != null
                ? earlier.getCause() : earlier);
      } else if (thawError != null) {
        result.completeExceptionally(AgentException.from(thawError));
      } else {
        result.complete(value);
      }
    });
  }
}
