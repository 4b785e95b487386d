package io.quantix.agent.client.internal;

import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import io.quantix.agent.proto.AgentMessage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
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

  // Event-loop confined; changed only through the methods below, so every stage change is here.
  private Stage stage = Stage.NEW;
  private String messageId;
  private long writtenNanos;
  private long answeredNanos;
  private int attempts;
  private int sessionEpoch;
  private SessionHandler session;
  private ScheduledFuture<?> backoffTimer;
  // Its place in the link's DeadlineSweep (-1: not watched), the instant it is due on its deadline's
  // ticker, and what its expiry does; set only through watchedBy.
  int sweepIndex = -1;
  long sweepAt;
  private DeadlineSweep sweep;
  private Consumer<Call<?>> onExpired;
  /** An SDK-internal probe: never retried, never counted. */
  private boolean internal;

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

  Stage stage() {
    return stage;
  }

  /** The session the call was handed to, or null. */
  SessionHandler session() {
    return session;
  }

  String messageId() {
    return messageId;
  }

  long writtenNanos() {
    return writtenNanos;
  }

  /** Its reply arrived (read on the loop); for the ping's round trip. */
  void answered(long nanos) {
    answeredNanos = nanos;
  }

  /** From the last write of its frame to its reply: the round trip alone, without any wait. */
  long roundTripNanos() {
    return answeredNanos - writtenNanos;
  }

  int sessionEpoch() {
    return sessionEpoch;
  }

  /** Retries so far (0 for the first attempt). */
  int attempts() {
    return attempts;
  }

  boolean isInternal() {
    return internal;
  }

  /** Marks an SDK-internal probe: never retried, never counted. */
  Call<T> markInternal() {
    internal = true;
    return this;
  }

  /** Hands the call to {@code to} (NEW until it is queued or written). */
  void assignTo(SessionHandler to) {
    session = to;
  }

  /** The call no longer belongs to a session. */
  void detach() {
    session = null;
  }

  /** Queued behind earlier writes on its session. */
  void queueUnwritten() {
    stage = Stage.UNWRITTEN;
  }

  /** Its frame is being written under {@code id}, on session epoch {@code epoch}. */
  void writing(String id, int epoch, long nanos) {
    messageId = id;
    sessionEpoch = epoch;
    writtenNanos = nanos;
    stage = Stage.WRITING;
  }

  /** The frame left; the call now awaits its reply, if it is still writing on {@code on}. */
  void written(SessionHandler on) {
    if (stage == Stage.WRITING && session == on) {
      stage = Stage.AWAITING;
    }
  }

  /** Waiting for a session to become ready. */
  void waitForSession() {
    stage = Stage.WAITING;
  }

  /** Back to NEW, to be dispatched again. */
  void requeue() {
    stage = Stage.NEW;
  }

  /** {@code by} watches its deadline, due at {@code at}; {@code expiry} runs when it passes. */
  void watchedBy(DeadlineSweep by, long at, Consumer<Call<?>> expiry) {
    sweep = by;
    sweepAt = at;
    onExpired = expiry;
  }

  /** Its deadline passed (the sweep already let it go). */
  void expiredBySweep() {
    if (!isDone()) {
      onExpired.accept(this);
    }
  }

  /** A retry after {@code timer}; counts the attempt. */
  void backoff(ScheduledFuture<?> timer) {
    attempts++;
    stage = Stage.BACKOFF;
    backoffTimer = timer;
  }

  /** The retry backoff ended. */
  void backoffEnded() {
    backoffTimer = null;
  }

  /** Stops a pending retry backoff. */
  void cancelBackoff() {
    if (backoffTimer != null) {
      backoffTimer.cancel(false);
      backoffTimer = null;
    }
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
    if (sweepIndex >= 0) {
      sweep.untrack(this);
    }
    if (backoffTimer != null) {
      backoffTimer.cancel(false);
      backoffTimer = null;
    }
    session = null;
    return !future.isDone();
  }
}
