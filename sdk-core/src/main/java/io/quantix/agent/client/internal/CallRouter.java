package io.quantix.agent.client.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.EventLoop;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The calls side of a {@link VmLink}: admission (in-flight cap, circuit breaker), dispatch to the
 * ready session or the queue of calls waiting for one, deadlines, cancellation and retries. The
 * link owns the connection and tells the router when a session is ready or gone. Confined to the
 * link's event loop, except {@link #submit}, which any thread may call.
 */
final class CallRouter implements SessionOwner.CallOutcomes {
  private final Link link;
  private final String vmId;
  private final LinkConfig config;
  private final EventLoop loop;
  private final AtomicInteger inFlight = new AtomicInteger();
  // Made on first use: a dashboard-only VM never needs it (10,000 idle sessions, little heap).
  private volatile CircuitBreaker breaker;
  /** Set once by {@link #close}, from any thread: every call from then on fails with it. */
  private volatile AgentException closedCause;
  // Loop-confined.
  private final DeadlineSweep deadlines;
  private final Consumer<Call<?>> expireAction = this::expire;
  private ArrayDeque<Call<?>> waiting;
  private Set<Call<?>> backingOff;

  /** What the router needs to know about its link's session; on the link's loop. */
  interface Link {
    boolean isClosed();

    /** The session calls go to now: open and ready, or null. */
    SessionHandler readySession();

    /** Whether a call should wait for a session rather than fail now. */
    boolean mayWait();

    /** The cached status without the info and telemetry snapshot: for error messages. */
    AgentStatus bareStatus();

    /** UNAVAILABLE with the status's cause. */
    AgentException unavailableNow();

    /** The last AgentReady, if any: its capabilities gate calls. */
    AgentInfo agentInfo();
  }

  CallRouter(Link link, String vmId, LinkConfig config, EventLoop loop) {
    this.link = link;
    this.vmId = vmId;
    this.config = config;
    this.loop = loop;
    this.deadlines = new DeadlineSweep(loop, config.timers());
  }

  /** The deadlines of this link's calls, internal probes included. */
  DeadlineSweep deadlines() {
    return deadlines;
  }

  /** The circuit breaker guarding this VM's calls (made at the first call). */
  CircuitBreaker circuitBreaker() {
    CircuitBreaker b = breaker;
    if (b == null) {
      synchronized (this) {
        b = breaker;
        if (b == null) {
          b = CircuitBreaker.of("agent-" + vmId, config.breakerConfig());
          breaker = b;
        }
      }
    }
    return b;
  }


  /** A ready session lets the breaker start afresh. */
  void closeBreaker() {
    CircuitBreaker b = breaker;
    if (b != null) {
      b.transitionToClosedState();
    }
  }

  /** Calls in flight. */
  int inFlight() {
    return inFlight.get();
  }


  /**
   * Closes the router, from any thread: calls submitted from now on fail at once, without a permit,
   * and {@link #failAll} fails those already admitted. {@code registryClosed} says why, for the
   * callers: their registry closed, or only this VM was removed from it.
   */
  void close(boolean registryClosed) {
    if (closedCause == null) {
      closedCause = AgentException.of(Code.UNAVAILABLE, registryClosed
          ? vmId + ": the agent registry is closed"
          : vmId + ": the agent link was closed (the VM was removed from its registry)");
    }
  }

  /** The failure of calls on a closed router, or null while it is open. */
  AgentException closedCause() {
    return closedCause;
  }

  /**
   * Admits and dispatches a call; never blocks, never throws; the returned future always
   * completes, also when the router closed or its loop refuses work (shut down).
   */
  <T> CompletableFuture<T> submit(Call<T> call) {
    CompletableFuture<T> future = call.future;
    AgentException closed = closedCause;
    if (closed != null) {
      // Not admitted: no permit, no counter; completed here, on the caller's thread, with a
      // failure of its own (its stack shows the caller).
      future.completeExceptionally(AgentException.of(Code.UNAVAILABLE, closed.getMessage()));
      return future;
    }
    if (inFlight.incrementAndGet() > config.maxInFlight()) {
      inFlight.decrementAndGet();
      future.completeExceptionally(AgentException.of(Code.RESOURCE_EXHAUSTED, vmId + ": "
          + config.maxInFlight() + " calls already in flight"));
      return future;
    }
    if (!circuitBreaker().tryAcquirePermission()) {
      inFlight.decrementAndGet();
      AgentStatus s = link.bareStatus();
      future.completeExceptionally(AgentException.of(Code.UNAVAILABLE, vmId
          + ": circuit open after repeated failures; agent " + s.state() + ": " + s.detail()));
      return future;
    }
    Object metricsContext = config.metrics().callBegan(vmId, call.operation.metricName());
    config.metrics().inFlight(vmId, inFlight.get());
    future.whenComplete((v, e) -> onFinished(call, e, metricsContext));
    try {
      loop.execute(() -> dispatch(call));
    } catch (RejectedExecutionException e) {
      // The loop is shut down (the registry closed): nothing else touches the call any more.
      call.fail(closedOr(AgentException.of(Code.UNAVAILABLE, vmId + ": the I/O loop is shut down")));
    }
    return future;
  }

  private AgentException closedOr(AgentException otherwise) {
    AgentException closed = closedCause;
    return closed != null ? closed : otherwise;
  }

  private void onFinished(Call<?> call, Throwable error, Object metricsContext) {
    int now = inFlight.decrementAndGet();
    long nanos = System.nanoTime() - call.startNanos;
    Code code = error == null ? null : AgentException.from(error).code();
    config.metrics().callEnded(metricsContext, vmId, call.operation.metricName(), code, nanos);
    config.metrics().inFlight(vmId, now);
    // Only an unreachable agent opens the breaker: a deadline may be the caller's own choice.
    CircuitBreaker breaker = circuitBreaker();
    if (closedCause != null && code == Code.UNAVAILABLE) {
      // Failed by the close, not by the agent: the permit goes back without a verdict.
      breaker.releasePermission();
    } else if (code == null || code == Code.REMOTE_FAILURE || code == Code.PROTOCOL
        || code == Code.DEADLINE_EXCEEDED) {
      breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    } else if (code == Code.UNAVAILABLE) {
      breaker.onError(nanos, TimeUnit.NANOSECONDS, error);
    } else {
      breaker.releasePermission();
    }
    if (call.future.isCancelled()) {
      try {
        loop.execute(() -> {
          abandon(call);
          call.cancelled();
        });
      } catch (RejectedExecutionException e) {
        // The loop is gone, and with it the call's session and timers.
      }
    }
  }

  private void dispatch(Call<?> call) {
    if (call.isDone()) {
      return;
    }
    if (closedCause != null || link.isClosed()) {
      call.fail(closedOr(AgentException.of(Code.UNAVAILABLE, "agent link of " + vmId + " closed")));
      return;
    }
    if (call.deadline.isExpired()) {
      call.fail(deadlineExceeded(call, "before it was sent"));
      return;
    }
    deadlines.track(call, expireAction);
    SessionHandler session = link.readySession();
    if (session != null) {
      send(call, session);
    } else if (link.mayWait()) {
      if (waiting == null) {
        waiting = new ArrayDeque<>(4);
      }
      if (waiting.size() >= config.maxWaiting()) {
        AgentStatus s = link.bareStatus();
        call.fail(AgentException.of(Code.UNAVAILABLE, vmId + ": " + waiting.size()
            + " calls already wait for the agent; agent " + s.state() + ": " + s.detail()));
        return;
      }
      call.waitForSession();
      waiting.addLast(call);
      config.metrics().waiting(vmId, waiting.size());
    } else {
      call.fail(link.unavailableNow());
    }
  }

  private void send(Call<?> call, SessionHandler session) {
    String capability = call.capability;
    AgentInfo info = link.agentInfo();
    if (capability != null && info != null && !info.supports(capability)) {
      call.fail(AgentException.of(Code.NOT_SUPPORTED, vmId + ": the agent (" + info.version()
          + ") does not announce capability '" + capability + "'"));
      return;
    }
    session.send(call);
  }

  private void expire(Call<?> call) {
    if (call.isDone()) {
      return;
    }
    String where = call.stage() == Call.Stage.AWAITING ? "waiting for the agent's reply"
        : call.stage() == Call.Stage.WAITING ? "waiting for a session" : "before it was written";
    abandon(call);
    call.fail(deadlineExceeded(call, where));
  }

  /** Takes a call out of wherever it is queued, without completing it. */
  void abandon(Call<?> call) {
    if (call.stage() == Call.Stage.WAITING) {
      if (waiting != null && waiting.remove(call)) {
        config.metrics().waiting(vmId, waiting.size());
      }
    } else if (call.session() != null) {
      call.session().remove(call);
    }
    if (backingOff != null) {
      backingOff.remove(call);
    }
    call.cancelBackoff();
  }

  private AgentException deadlineExceeded(Call<?> call, String where) {
    AgentStatus s = link.bareStatus();
    String state = s.state() == AgentState.CONNECTED ? "" : "; agent " + s.state() + ": " + s.detail();
    return AgentException.of(Code.DEADLINE_EXCEEDED, vmId + ": " + call.operation.metricName()
        + " deadline exceeded " + where + state).withMayHaveRun(call.stage() == Call.Stage.AWAITING);
  }

  @Override
  public void onReply(Call<?> call, AgentMessage reply) {
    call.succeed(reply);
  }

  /** Fails a call, or retries it when it never left the client or the operation allows it. */
  @Override
  public void onCallFailed(Call<?> call, AgentException failure, boolean mayHaveRun) {
    if (call.isDone()) {
      return;
    }
    boolean retry = !call.isInternal() && failure.code() == Code.UNAVAILABLE && !link.isClosed()
        && closedCause == null
        && call.retryAllowed(mayHaveRun) && call.attempts() + 1 < config.maxAttempts();
    if (retry) {
      long backoff = retryBackoffNanos(call.attempts());
      if (call.deadline.remaining(TimeUnit.NANOSECONDS) > backoff) {
        config.metrics().callRetried(vmId, call.operation.metricName());
        if (backingOff == null) {
          backingOff = new HashSet<>();
        }
        backingOff.add(call);
        call.backoff(loop.schedule(() -> {
          backingOff.remove(call);
          call.backoffEnded();
          dispatch(call);
        }, backoff, TimeUnit.NANOSECONDS));
        return;
      }
    }
    call.fail(failure.withMayHaveRun(mayHaveRun));
  }

  private static long retryBackoffNanos(int attempt) {
    long base = TimeUnit.MILLISECONDS.toNanos(25L << Math.min(attempt, 6));
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }


  /** Sends the calls that waited for a session, in order, once one is ready. */
  void dispatchWaiting() {
    if (waiting != null && !waiting.isEmpty()) {
      List<Call<?>> ready = new ArrayList<>(waiting);
      waiting.clear();
      config.metrics().waiting(vmId, 0);
      for (Call<?> c : ready) {
        c.requeue();
        dispatch(c);
      }
    }
  }

  /**
   * Fails every call the closed router still holds, before any timer or executor stops: those
   * waiting for a session, backing off before a retry, and those of {@code sessions} (written ones
   * with mayHaveRun). On the loop, after {@link #close}.
   */
  void failAll(SessionHandler... sessions) {
    AgentException cause = closedOr(AgentException.of(Code.UNAVAILABLE, vmId + ": closed"));
    failWaiting(cause);
    if (backingOff != null && !backingOff.isEmpty()) {
      List<Call<?>> stopped = new ArrayList<>(backingOff);
      backingOff.clear();
      for (Call<?> c : stopped) {
        c.fail(cause);
      }
    }
    for (SessionHandler s : sessions) {
      if (s != null) {
        s.failAll(cause);
      }
    }
    deadlines.clear();
  }

  /** Fails every call waiting for a session. */
  void failWaiting(AgentException cause) {
    if (waiting == null || waiting.isEmpty()) {
      return;
    }
    List<Call<?>> failed = new ArrayList<>(waiting);
    waiting.clear();
    config.metrics().waiting(vmId, 0);
    for (Call<?> c : failed) {
      c.fail(cause);
    }
  }
}
