package io.quantix.agent.client.internal;

import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import io.quantix.agent.proto.AgentMessage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One request from submission to its end. Its mutable fields belong to the VM's event loop; the
 * future is completed by a thread blocked on it or by the callback executor ({@link CallFuture}),
 * so user code never runs on an I/O thread.
 */
final class Call<T> {
  /** Where the call is, for deadline and cancellation handling. */
  enum Stage { NEW, WAITING, UNWRITTEN, WRITING, AWAITING, BACKOFF, DONE }

  final Operation operation;
  final AgentMessage request;
  final Deadline deadline;
  final boolean retryMayHaveRun;
  final String capability;
  final boolean successOnDisconnect;
  final CallFuture<T> future;
  private final Function<AgentMessage, T> mapper;
  final long startNanos = System.nanoTime();

  // Event-loop confined.
  Stage stage = Stage.NEW;
  String messageId;
  long writtenNanos;
  int attempts;
  int sessionEpoch;
  SessionHandler session;
  ScheduledFuture<?> deadlineTimer;
  ScheduledFuture<?> backoffTimer;
  /** An SDK-internal probe: never retried, never counted. */
  boolean internal;

  Call(Operation operation, AgentMessage request, Deadline deadline, boolean retryMayHaveRun,
      String capability, boolean successOnDisconnect, Function<AgentMessage, T> mapper,
      Executor callbacks) {
    this.operation = operation;
    this.request = request;
    this.deadline = deadline;
    this.retryMayHaveRun = retryMayHaveRun;
    this.capability = capability;
    this.successOnDisconnect = successOnDisconnect;
    this.mapper = mapper;
    this.future = new CallFuture<>(callbacks);
  }

  boolean isDone() {
    return stage == Stage.DONE || future.isDone();
  }

  /** Whether a failure after the request may have reached the agent allows a retry. */
  boolean retryAllowed(boolean mayHaveRun) {
    return !mayHaveRun || operation.idempotent() || retryMayHaveRun;
  }

  /** Ends the call with the agent's reply; mapping runs on the callback executor. */
  void succeed(AgentMessage reply) {
    if (!finish()) {
      return;
    }
    future.completeVia(() -> {
      try {
        future.complete(mapper.apply(reply));
      } catch (AgentException e) {
        future.completeExceptionally(e);
      } catch (RuntimeException e) {
        future.completeExceptionally(AgentException.of(AgentException.Code.PROTOCOL,
            operation.metricName() + ": reply could not be read: " + e, e));
      }
    });
  }

  /** Ends the call with a failure. */
  void fail(AgentException failure) {
    if (!finish()) {
      return;
    }
    future.completeVia(() -> future.completeExceptionally(failure));
  }

  /** Marks a call the caller cancelled as done and stops its timers. */
  void cancelled() {
    finish();
  }

  private boolean finish() {
    if (stage == Stage.DONE) {
      return false;
    }
    stage = Stage.DONE;
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
      deadlineTimer = null;
    }
    if (backoffTimer != null) {
      backoffTimer.cancel(false);
      backoffTimer = null;
    }
    session = null;
    return !future.isDone();
  }
}
