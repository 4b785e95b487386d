package io.quantix.agent.qga.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import io.quantix.agent.qga.QgaInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Typed calls over a {@link QgaSession}: the guest-info gate (NOT_SUPPORTED before any I/O),
 * encoding, and completion on the callback executor (never on the event loop); cancelling a
 * returned future abandons the command.
 */
public final class Calls {
  /** Commands that work in every state, frozen included, so they are never gated. */
  private static final Set<String> NEVER_GATED = Set.of("guest-ping", "guest-info",
      "guest-sync", "guest-sync-delimited", "guest-fsfreeze-status", "guest-fsfreeze-thaw");

  private final QgaSession session;
  private final Executor executor;

  /** Calls on {@code session}, completing on {@code executor}. */
  public Calls(QgaSession session, Executor executor) {
    this.session = session;
    this.executor = executor;
  }

  /** The session. */
  public QgaSession session() {
    return session;
  }

  /** Runs {@code command} and parses its return value on the callback executor. */
  public <T> CompletableFuture<T> call(String command, ObjectNode arguments, Duration timeout,
      Function<JsonNode, T> parser) {
    return call(command, arguments, Deadline.after(timeout), false, parser);
  }

  /** The full form: {@code successOnEof} for commands that send no reply on success. */
  public <T> CompletableFuture<T> call(String command, ObjectNode arguments, Deadline deadline,
      boolean successOnEof, Function<JsonNode, T> parser) {
    QgaInfo info = session.state().info();
    if (info != null && !NEVER_GATED.contains(command)) {
      Optional<QgaInfo.Command> known = info.command(command);
      if (known.isEmpty() || !known.get().enabled()) {
        return CompletableFuture.failedFuture(QgaErrors.disabled(command, known.isPresent()));
      }
    }
    Command c;
    try {
      c = new Command(command, Json.request(command, arguments), deadline, successOnEof);
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    }
    HandoffFuture<T> result = new HandoffFuture<>();
    session.submit(c).whenComplete((line, error) -> result.deliver(() -> {
      try {
        if (error != null) {
          result.completeExceptionally(AgentException.from(error));
        } else if (line == null) {
          result.complete(parser.apply(NullNode.getInstance()));
        } else {
          result.complete(parser.apply(Json.returnValue(command, line)));
        }
      } catch (RuntimeException e) {
        result.completeExceptionally(e instanceof AgentException ? e
            : AgentException.of(AgentException.Code.PROTOCOL, command + ": " + e, e));
      }
    }, this));
    result.whenComplete((v, e) -> {
      if (result.isCancelled()) {
        session.abandon(c);
      }
    });
    return result;
  }

  /** Runs {@code task} on the callback executor, or here if it refuses (so it still runs). */
  public void dispatch(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /**
   * Runs {@code task} on the callback executor after {@code delay} (timed on the event loop);
   * false if the loop has stopped (the client is closed) and nothing was scheduled.
   */
  public boolean later(Runnable task, Duration delay) {
    ScheduledFuture<?> f = session.schedule(() -> dispatch(task), delay.toNanos(),
        TimeUnit.NANOSECONDS);
    return f != null;
  }
}
