package io.quantix.agent.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection attempt's bookkeeping: the result future, the channel being opened, the deadline
 * timer and the resources (lock files) to release. The first outcome wins: success, a classified
 * failure, the deadline, or the caller cancelling the future. A failure (or cancellation) closes the
 * channel and releases every resource <em>before</em> the future fails, so a failed attempt leaves
 * nothing open; a success hands the resources over to the channel's close future.
 *
 * <p>It lives in sdk-core, shared by the transport modules (which must not depend on each other);
 * only the transport tree uses it ({@code PackageOrderTest}).
 *
 * <pre>{@code
 * ConnectAttempt attempt = new ConnectAttempt(endpoint.uri());
 * if (attempt.failIfExpired(request.deadline())) return attempt.result();
 * attempt.onCleanup(lock::release);              // before the attempt starts
 * return attempt.launch(request, loop -> open(loop, ...));   // on the loop: attempt.channel(ch)
 * ...  attempt.fail(ConnectFailure.VM_NOT_RUNNING, "connection refused", cause);
 * ...  attempt.succeed(channel);
 * }</pre>
 */
public final class ConnectAttempt {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectAttempt.class);

  private final String endpoint;
  private final CompletableFuture<Channel> result = new CompletableFuture<>();
  private final AtomicBoolean settled = new AtomicBoolean();
  private final AtomicBoolean cleaned = new AtomicBoolean();
  private final List<Runnable> cleanups = new CopyOnWriteArrayList<>();
  private volatile Channel channel;
  private volatile ScheduledFuture<?> timer;
  private volatile EventExecutor loop;
  private volatile Deadline deadline;

  /** An attempt to reach {@code endpoint} (its URI, used in every message). */
  public ConnectAttempt(String endpoint) {
    this.endpoint = endpoint;
    // A caller that cancels (or otherwise completes) the future abandons the attempt.
    result.whenComplete((ch, error) -> {
      if (error != null) {
        abandon();
      }
    });
  }

  /** The future the transport returns. */
  public CompletableFuture<Channel> result() {
    return result;
  }

  /** The endpoint URI. */
  public String endpoint() {
    return endpoint;
  }

  /** Whether the outcome is decided (success, failure or cancellation). */
  public boolean isSettled() {
    return settled.get();
  }

  /**
   * Whether the attempt is over or its deadline has passed (then it fails with TIMEOUT now, even
   * if the timer has not run yet, for instance because the event loop was busy).
   */
  public boolean isOverOrExpired() {
    Deadline d = deadline;
    if (!settled.get() && d != null && d.isExpired()) {
      fail(ConnectFailure.TIMEOUT, "the deadline passed before the connection was ready", null);
    }
    return settled.get();
  }

  /** Registers a release action; call before the attempt starts. Runs exactly once. */
  public void onCleanup(Runnable action) {
    cleanups.add(action);
  }

  /**
   * Binds the attempt to the event loop its channel will use and arms the deadline: when it passes
   * first, the attempt fails with {@link ConnectFailure#TIMEOUT}.
   */
  public void start(EventExecutor loop, Deadline deadline) {
    this.loop = loop;
    this.deadline = deadline;
    long nanos = deadline.remaining(TimeUnit.NANOSECONDS);
    timer = loop.schedule(
        () -> fail(ConnectFailure.TIMEOUT, "not connected before the deadline", null),
        nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The channel being opened, set before it connects; closed at once if the attempt is already
   * over (the deadline passed or the caller cancelled while it was being created).
   */
  public void channel(Channel ch) {
    channel = ch;
    if (settled.get()) {
      closeThen(() -> { });
    }
  }

  /** The failed future of a transport asked to open an endpoint of another scheme. */
  public static CompletableFuture<Channel> wrongEndpoint(String scheme, Endpoint endpoint) {
    return CompletableFuture.failedFuture(AgentException.invalidArgument(
        "the " + scheme + " transport cannot open " + endpoint));
  }

  /** Fails the attempt with TIMEOUT if {@code deadline} passed before connecting; true if so. */
  public boolean failIfExpired(Deadline deadline) {
    return failIf(ConnectFailure.TIMEOUT,
        deadline.isExpired() ? "the deadline expired before connecting" : null);
  }

  /** Fails the attempt with {@code failure} if {@code problem} is not null; true if so. */
  public boolean failIf(ConnectFailure failure, String problem) {
    if (problem == null) {
      return false;
    }
    fail(failure, problem, null);
    return true;
  }

  /**
   * The common start of every transport's connect: arms the deadline on one of the request's
   * loops and runs {@code open} there; UNAVAILABLE if the loops are not running.
   *
   * @return the attempt's {@link #result()}
   */
  public CompletableFuture<Channel> launch(ConnectRequest request, Consumer<EventLoop> open) {
    try {
      EventLoop next = request.eventLoops().group().next();
      start(next, request.deadline());
      next.execute(() -> open.accept(next));
    } catch (RuntimeException e) {
      failWith(AgentException.of(AgentException.Code.UNAVAILABLE,
          "cannot connect to " + endpoint + ": the event loops are not running", e));
    }
    return result();
  }

  /** Fails the attempt with a classified failure naming the endpoint. */
  public void fail(ConnectFailure failure, String detail, Throwable cause) {
    failWith(AgentException.connectFailed(failure, endpoint, detail, cause));
  }

  /** Fails the attempt: closes the channel, releases resources, then fails the future. */
  public void failWith(AgentException failure) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    LOG.debug("connect attempt failed: {}", failure.getMessage());
    cancelTimer();
    closeThen(() -> {
      runCleanups();
      result.completeExceptionally(failure);
    });
  }

  /**
   * Completes the attempt with {@code ch}; its resources are released when it closes. A channel
   * that is ready only after the deadline is not handed out: the attempt fails with TIMEOUT.
   */
  public void succeed(Channel ch) {
    Deadline d = deadline;
    if (d != null && d.isExpired()) {
      fail(ConnectFailure.TIMEOUT, "the connection was ready only after the deadline", null);
    }
    if (!settled.compareAndSet(false, true)) {
      ch.close();
      return;
    }
    cancelTimer();
    ch.closeFuture().addListener(f -> runCleanups());
    LOG.debug("connected to {}", endpoint);
    if (!result.complete(ch)) {
      ch.close();
    }
  }

  private void abandon() {
    if (settled.compareAndSet(false, true)) {
      LOG.debug("connect attempt to {} abandoned by the caller", endpoint);
      cancelTimer();
      closeThen(this::runCleanups);
    }
  }

  /**
   * Closes the channel, if any, then runs {@code after}. Runs on the event loop, where the
   * channel's registration state is settled: a channel that is not registered yet is closed
   * forcibly (its pending registration then fails on the closed descriptor).
   */
  private void closeThen(Runnable after) {
    Channel ch = channel;
    EventExecutor executor = loop;
    if (ch == null || executor == null) {
      after.run();
      return;
    }
    Runnable close = () -> {
      if (ch.isRegistered()) {
        ch.close().addListener(f -> after.run());
      } else {
        ch.unsafe().closeForcibly();
        after.run();
      }
    };
    if (executor.inEventLoop()) {
      close.run();
      return;
    }
    try {
      executor.execute(close);
    } catch (RejectedExecutionException e) {
      ch.unsafe().closeForcibly();
      after.run();
    }
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }

  private void runCleanups() {
    if (!cleaned.compareAndSet(false, true)) {
      return;
    }
    for (Runnable action : cleanups) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.warn("releasing a resource of the connect attempt to {} failed", endpoint, e);
      }
    }
  }
}
