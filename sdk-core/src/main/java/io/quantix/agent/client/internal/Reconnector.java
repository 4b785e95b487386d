package io.quantix.agent.client.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import io.quantix.agent.Ticker;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Connection;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconnect job of a {@link VmLink}, on the lines of Lettuce's {@code ConnectionWatchdog}:
 * one attempt at a time through the owner's {@link ConnectGate}, the VM resolved again before
 * every later attempt, and a jittered exponential backoff between attempts that a lasting session
 * resets. Confined to the link's event loop.
 */
final class Reconnector {
  private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

  /** What the reconnector asks of and reports to its link, on the link's loop. */
  interface Owner {
    /** Whether an attempt may start now: the link is open and has no session. */
    boolean wantsSession();

    /** Attempt {@code attempts} (1 for the first since the last ready session) begins. */
    void onAttemptStarting(int attempts);

    /** The pipeline every new channel gets (framing, keep-alive, a fresh session). */
    ChannelHandler channelInitializer();

    /** The attempt ended: a connection, or a failure (exactly one is non-null). */
    void onConnected(Connection connection, Throwable error);

    /** The attempt failed before reaching any transport (no endpoint known). */
    void onConnectFailed(AgentException failure);
  }

  private final String vmId;
  private final Function<String, List<Endpoint>> resolver;
  private final LinkConfig config;
  private final EventLoop loop;
  private final ConnectGate gate;
  private final Ticker ticker;
  private final Owner owner;
  private final java.util.function.BooleanSupplier disarmed;

  private List<Endpoint> endpoints;
  private boolean connecting;
  private boolean holdingPermit;
  private int attempts;
  private int failuresInRow;
  private long readySinceNanos;
  private ScheduledFuture<?> timer;

  Reconnector(String vmId, List<Endpoint> endpoints, Function<String, List<Endpoint>> resolver,
      LinkConfig config, EventLoop loop, ConnectGate gate, Ticker ticker,
      java.util.function.BooleanSupplier disarmed, Owner owner) {
    this.vmId = vmId;
    this.endpoints = List.copyOf(endpoints);
    this.resolver = resolver;
    this.config = config;
    this.loop = loop;
    this.gate = gate;
    this.ticker = ticker;
    this.disarmed = disarmed;
    this.owner = owner;
  }

  /** Connect attempts since the last ready session. */
  int attempts() {
    return attempts;
  }

  /** The endpoints of the last resolution. */
  List<Endpoint> endpoints() {
    return endpoints;
  }

  /** Starts an attempt now, unless one is under way, the link has a session or was disarmed. */
  void connectNow() {
    timer = null;
    if (connecting || !owner.wantsSession() || disarmed.getAsBoolean()) {
      return;
    }
    connecting = true;
    attempts++;
    config.metrics().connectAttempt(vmId, attempts);
    if (attempts > 1) {
      reresolve();
    }
    owner.onAttemptStarting(attempts);
    if (endpoints.isEmpty()) {
      connecting = false;
      owner.onConnectFailed(AgentException.connectFailed(ConnectFailure.NO_CHANNEL, vmId,
          "the resolver found no agent channel for VM '" + vmId + "'", null));
      return;
    }
    gate.acquire(() -> {
      try {
        loop.execute(this::startAttempt);
      } catch (RejectedExecutionException rejected) {
        gate.release();
      }
    });
  }

  /** Starts the attempt once the gate let it through; the deadline starts now. */
  private void startAttempt() {
    holdingPermit = true;
    if (!owner.wantsSession() || disarmed.getAsBoolean()) {
      releasePermit();
      connecting = false;
      return;
    }
    ConnectRequest request = new ConnectRequest(EventLoops.wrap(loop),
        Deadline.after(config.connectTimeout(), ticker), owner.channelInitializer(),
        config.transportOptions());
    CompletableFuture<Connection> connected;
    try {
      connected = config.transports().connect(endpoints, request);
    } catch (RuntimeException e) {
      connected = CompletableFuture.failedFuture(e);
    }
    connected.whenComplete((c, e) -> {
      try {
        loop.execute(() -> finished(c, e));
      } catch (RejectedExecutionException rejected) {
        gate.release();
        if (c != null) {
          c.channel().close();
        }
      }
    });
  }

  private void finished(Connection connection, Throwable error) {
    connecting = false;
    releasePermit();
    owner.onConnected(connection, error);
  }

  private void releasePermit() {
    if (holdingPermit) {
      holdingPermit = false;
      gate.release();
    }
  }

  /** Asks the resolver again; keeps the last endpoints if it fails. */
  private void reresolve() {
    try {
      List<Endpoint> fresh = resolver.apply(vmId);
      endpoints = fresh == null ? List.of() : List.copyOf(fresh);
    } catch (RuntimeException e) {
      log.debug("agent {}: resolving again failed, keeping {}: {}", vmId, endpoints, e.toString());
    }
  }

  /** A session became ready: the attempt count starts again. */
  void onReady() {
    attempts = 0;
    readySinceNanos = ticker.nanoTime();
  }

  /** An attempt failed: the backoff grows. */
  void onAttemptFailed() {
    failuresInRow++;
  }

  /**
   * A session ended. One that lasted at least the largest backoff is the success that resets the
   * backoff; one that flaps is not.
   */
  void onSessionEnded(boolean wasReady) {
    if (wasReady && ticker.nanoTime() - readySinceNanos >= config.reconnectMax().toNanos()) {
      failuresInRow = 0;
    }
    failuresInRow++;
  }

  /** The next attempt of this VM's single reconnect loop, after a jittered exponential delay. */
  void schedule() {
    if (timer != null || !owner.wantsSession() || disarmed.getAsBoolean()) {
      return;
    }
    long jittered = reconnectDelayNanos(failuresInRow, config.reconnectMin().toNanos(),
        config.reconnectMax().toNanos(), ThreadLocalRandom.current().nextDouble());
    try {
      timer = loop.schedule(this::connectNow, jittered, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("agent {}: loops shut down, no reconnect", vmId);
    }
  }

  /** Stops the pending reconnect, if any. */
  void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Whether a reconnect is scheduled. */
  boolean isScheduled() {
    return timer != null;
  }

  /**
   * The delay before reconnect attempt {@code failures} (1 for the first): nominally
   * {@code min * 2^(failures-1)} capped at {@code max}, drawn uniformly from the upper half of
   * that nominal value ({@code random} in [0, 1)) so that VMs that failed together spread out.
   */
  static long reconnectDelayNanos(int failures, long min, long max, double random) {
    int exp = Math.min(Math.max(failures - 1, 0), 30);
    long nominal = min > (max >> exp) ? max : Math.min(max, min << exp);
    long half = nominal / 2;
    return half + (long) (random * (nominal - half));
  }
}
