package io.quantix.agent.client.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.GuestEvent;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.PingRequest;
import io.quantix.agent.proto.TelemetryReport;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.transport.Connection;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.Transports;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One VM's link to its agent: at most one session at a time, the status, the reconnect loop and
 * the events; its calls are routed by its {@link CallRouter}. All mutable state is confined to one event loop (the VM's "home" loop,
 * which also drives its channel), so nothing here takes a lock; other threads hand work over with
 * {@code loop.execute}.
 */
public final class VmLink {
  private static final Logger log = LoggerFactory.getLogger(VmLink.class);

  private final String vmId;
  private final Function<String, List<Endpoint>> resolver;
  private final LinkConfig config;
  private final EventLoop loop;
  private final CompletionBatch completions;
  private final CallRouter calls;
  private final BooleanSupplier disarmed;
  private final ConnectGate gate;

  private final LinkEvents events;
  private final LinkStatus status;

  // Loop-confined.
  private List<Endpoint> endpoints;
  private SessionHandler attempt;
  private SessionHandler session;
  private boolean connecting;
  private boolean closed;
  private int attempts;
  private int failuresInRow;
  private long readySinceNanos;
  private boolean holdingPermit;
  private ScheduledFuture<?> reconnectTimer;
  private ScheduledFuture<?> readyTimer;
  private String endpointText = "";
  private long probeSequence;
  private AgentException lastConnectFailure;

  /** A status transition, for the registry's listeners. */
  public record StatusChange(AgentStatus previous, AgentStatus current) {}

  /**
   * A link that starts idle; {@link #start()} begins connecting.
   *
   * @param endpoints where to connect first (resolved by the caller; may be empty: not found)
   * @param resolver resolves the VM again before every later attempt (a libvirt channel directory
   *     changes with the domain id at every VM start)
   * @param disarmed true once the owner closed: no connect starts after that, on any loop
   * @param gate bounds the connect attempts under way at once, shared by the owner's links
   */
  public VmLink(String vmId, List<Endpoint> endpoints, Function<String, List<Endpoint>> resolver,
      LinkConfig config, Consumer<StatusChange> statusSink, BooleanSupplier disarmed,
      ConnectGate gate) {
    this.vmId = vmId;
    this.endpoints = List.copyOf(endpoints);
    this.resolver = resolver;
    this.config = config;
    this.disarmed = disarmed;
    this.gate = gate;
    this.loop = config.eventLoops().group().next();
    this.completions = new CompletionBatch(loop, config.callbackExecutor());
    this.calls = new CallRouter(this, vmId, config, loop);
    this.events = new LinkEvents(vmId, config.metrics(), config.eventExecutor());
    this.status = new LinkStatus(vmId, events, statusSink);
  }

  String vmId() {
    return vmId;
  }

  LinkConfig config() {
    return config;
  }

  /** Where this VM's calls complete: the callback executor, batched per read. */
  CompletionBatch completions() {
    return completions;
  }

  AgentMetrics metrics() {
    return config.metrics();
  }

  String endpointText() {
    return endpointText;
  }

  /** The cached status: no I/O. */
  public AgentStatus status() {
    return status.current();
  }

  /** The last AgentReady, if any. */
  public AgentInfo agentInfo() {
    return events.agentInfo();
  }

  /** The last telemetry, if any. */
  public Telemetry telemetry() {
    return events.telemetry();
  }

  /** The event loop that owns this link. */
  public EventLoop loop() {
    return loop;
  }

  /** Starts connecting. */
  public void start() {
    loop.execute(this::connectNow);
  }

  /** Closes the session and stops reconnecting; the future completes once the channel closed. */
  public CompletableFuture<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      loop.execute(() -> closeNow(done));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The loops are gone, and with them every channel and timer of this link.
      closed = true;
      setState(AgentState.CLOSED, "closed", null);
      done.complete(null);
    }
    return done;
  }

  private void closeNow(CompletableFuture<Void> done) {
    closed = true;
    cancel(reconnectTimer);
    reconnectTimer = null;
    cancel(readyTimer);
    readyTimer = null;
    calls.failWaiting(AgentException.of(Code.UNAVAILABLE, "agent link of " + vmId + " closed"));
    setState(AgentState.CLOSED, "closed", null);
    List<Channel> open = new ArrayList<>(2);
    for (SessionHandler s : new SessionHandler[] {session, attempt}) {
      Channel ch = s == null ? null : s.channel();
      if (ch != null && !open.contains(ch)) {
        open.add(ch);
      }
    }
    if (open.isEmpty()) {
      done.complete(null);
    } else {
      AtomicInteger left = new AtomicInteger(open.size());
      for (Channel ch : open) {
        ch.close().addListener(f -> {
          if (left.decrementAndGet() == 0) {
            done.complete(null);
          }
        });
      }
    }
    events.clear();
  }

  Subscription onTelemetry(Consumer<? super Telemetry> listener) {
    return events.onTelemetry(listener);
  }

  Subscription onAgentReady(Consumer<? super AgentInfo> listener) {
    return events.onAgentReady(listener);
  }

  Subscription onGuestEvent(Consumer<? super GuestEvent> listener) {
    return events.onGuestEvent(listener);
  }

  // ---------------------------------------------------------------- calls

  /** Admits and dispatches a call; never blocks; the returned future always completes. */
  <T> CompletableFuture<T> submit(Call<T> call) {
    return calls.submit(call);
  }

  /** The circuit breaker guarding this VM's calls (made at the first call). */
  public CircuitBreaker circuitBreaker() {
    return calls.circuitBreaker();
  }

  /** Calls in flight. */
  public int inFlight() {
    return calls.inFlight();
  }

  /** The router of this VM's calls, for its sessions. */
  CallRouter calls() {
    return calls;
  }

  /**
   * Whether a call should wait for a session: while the link connects or reconnects after a
   * session ended (CONNECTING, DISCONNECTED), not while the last attempt proved the agent
   * unreachable (NO_CHANNEL, VM_NOT_RUNNING, AGENT_SILENT): those fail fast with their cause.
   */
  boolean mayWait() {
    AgentState state = status.state();
    return state == AgentState.CONNECTING || state == AgentState.DISCONNECTED
        || (session != null && session.isOpen() && state != AgentState.AGENT_SILENT);
  }

  /** UNAVAILABLE with the status's cause (its connect classification, when it has one). */
  AgentException unavailableNow() {
    AgentStatus s = status.bare();
    // The classified failure of the last attempt already names the endpoint and the cause.
    if (s.failure() != null && lastConnectFailure != null) {
      return lastConnectFailure;
    }
    return s.failure() != null
        ? AgentException.connectFailed(s.failure(), endpointOrVm(), s.detail(), null)
        : AgentException.of(Code.UNAVAILABLE, vmId + ": agent " + s.state() + ": " + s.detail());
  }

  /** The session calls go to now: open and ready, or null. */
  SessionHandler readySession() {
    return session != null && session.isReady() ? session : null;
  }

  boolean isClosed() {
    return closed;
  }

  /** The cached status without the info and telemetry snapshot: for error messages. */
  AgentStatus bareStatus() {
    return status.bare();
  }

  // ---------------------------------------------------------------- connecting

  private void connectNow() {
    reconnectTimer = null;
    if (closed || connecting || session != null) {
      return;
    }
    if (disarmed.getAsBoolean()) {
      return;
    }
    connecting = true;
    attempts++;
    config.metrics().connectAttempt(vmId, attempts);
    if (attempts > 1) {
      reresolve();
    }
    AgentState current = status.state();
    if (current == AgentState.CONNECTING || current == AgentState.DISCONNECTED
        || current == AgentState.CONNECTED) {
      setState(AgentState.CONNECTING, "connecting (attempt " + attempts + ")", null);
    } else {
      // A VM known to be down keeps its state (and its cause) while the loop retries.
      status.sameState(attempts, status.bare().endpoint());
    }
    if (endpoints.isEmpty()) {
      connecting = false;
      onConnectFailed(AgentException.connectFailed(ConnectFailure.NO_CHANNEL, vmId,
          "the resolver found no agent channel for VM '" + vmId + "'", null));
      return;
    }
    gate.acquire(() -> {
      try {
        loop.execute(this::startAttempt);
      } catch (java.util.concurrent.RejectedExecutionException rejected) {
        gate.release();
      }
    });
  }

  /** Starts the attempt once the gate let it through; the deadline starts now. */
  private void startAttempt() {
    holdingPermit = true;
    if (closed || disarmed.getAsBoolean()) {
      releasePermit();
      connecting = false;
      return;
    }
    ConnectRequest request = new ConnectRequest(EventLoops.wrap(loop),
        Deadline.after(config.connectTimeout()), new SessionInitializer(),
        config.transportOptions());
    CompletableFuture<Connection> connected;
    try {
      connected = config.transports().connect(endpoints, request);
    } catch (RuntimeException e) {
      connected = CompletableFuture.failedFuture(e);
    }
    connected.whenComplete((c, e) -> {
      try {
        loop.execute(() -> onConnected(c, e));
      } catch (java.util.concurrent.RejectedExecutionException rejected) {
        gate.release();
        if (c != null) {
          c.channel().close();
        }
      }
    });
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

  private void onConnected(Connection connection, Throwable error) {
    connecting = false;
    releasePermit();
    if (closed) {
      if (connection != null) {
        connection.channel().close();
      }
      attempt = null;
      return;
    }
    SessionHandler handler = connection == null ? null
        : connection.channel().pipeline().get(SessionHandler.class);
    if (error != null || handler == null || !connection.channel().isActive()) {
      AgentException failure = error != null ? AgentException.from(error)
          : AgentException.connectFailed(ConnectFailure.AGENT_NOT_READY,
              connection.endpoint().uri(), "the channel closed at once", null);
      if (connection != null) {
        connection.channel().close();
      }
      attempt = null;
      onConnectFailed(failure);
      return;
    }
    attempt = null;
    session = handler;
    endpointText = connection.endpoint().uri();
    if (handler.isReady()) {
      becomeReady();
      return;
    }
    if (status.state() == AgentState.AGENT_SILENT) {
      // Reaching the socket again is no news for a silent agent: it stays silent (no flicker)
      // until it speaks.
      status.sameState(attempts, endpointText);
    } else {
      setState(AgentState.CONNECTING, "connected to " + endpointText
          + ", waiting for AgentReady (attempt " + attempts + ")", null);
    }
    readyTimer = loop.schedule(() -> onReadyTimeout(handler),
        config.readyTimeout().toNanos(), TimeUnit.NANOSECONDS);
    sendProbe(handler);
  }

  private void onConnectFailed(AgentException failure) {
    failuresInRow++;
    ConnectFailure kind = failure.connectFailure();
    AgentState state = kind == ConnectFailure.NO_CHANNEL ? AgentState.NO_CHANNEL
        : kind == ConnectFailure.VM_NOT_RUNNING ? AgentState.VM_NOT_RUNNING
        : kind == ConnectFailure.AGENT_SILENT ? AgentState.AGENT_SILENT
        : AgentState.DISCONNECTED;
    lastConnectFailure = failure;
    String detail = failure.getMessage();
    if (state != status.state() || !detail.equals(status.bare().detail())) {
      log.debug("agent {} connect failed: {}", vmId, detail);
    }
    // The endpoint of a failure is the one looked for (NO_CHANNEL: the socket path).
    String where = failure.endpoint().orElse(endpointOrVm());
    setState(state, detail, kind, where);
    calls.failWaiting(failure);
    scheduleReconnect();
  }

  private void onReadyTimeout(SessionHandler handler) {
    readyTimer = null;
    if (handler != session || handler.isReady() || closed) {
      return;
    }
    AgentException silent = AgentException.connectFailed(ConnectFailure.AGENT_SILENT,
        endpointText, "no AgentReady or pong within " + config.readyTimeout().toMillis()
            + " ms: " + ConnectFailure.AGENT_SILENT.description(), null);
    lastConnectFailure = silent;
    setState(AgentState.AGENT_SILENT, silent.getMessage(), ConnectFailure.AGENT_SILENT);
    calls.failWaiting(silent);
    Channel ch = handler.channel();
    if (ch != null) {
      ch.close();
    }
  }

  void onKeepAliveLost(SessionHandler handler, AgentException cause) {
    if (handler == session && !closed) {
      setState(AgentState.AGENT_SILENT, cause.getMessage(), ConnectFailure.AGENT_SILENT);
      calls.failWaiting(cause);
    }
  }

  private void becomeReady() {
    lastConnectFailure = null;
    cancel(readyTimer);
    readyTimer = null;
    attempts = 0;
    readySinceNanos = System.nanoTime();
    calls.closeBreaker();
    AgentInfo info = events.agentInfo();
    setState(AgentState.CONNECTED, "connected through " + endpointText
        + (info == null ? "" : ", agent " + info.version()), null);
    config.metrics().sessionReady(vmId);
    calls.dispatchWaiting();
  }

  void onSessionClosed(SessionHandler handler, AgentException cause) {
    if (handler == attempt) {
      attempt = null;
    }
    if (handler != session) {
      return;
    }
    boolean wasReady = handler.isReady();
    session = null;
    cancel(readyTimer);
    readyTimer = null;
    config.metrics().sessionClosed(vmId);
    if (closed) {
      return;
    }
    if (wasReady && System.nanoTime() - readySinceNanos >= config.reconnectMax().toNanos()) {
      // A session that lasted is the success that resets the backoff; one that flaps is not.
      failuresInRow = 0;
    }
    failuresInRow++;
    if (status.state() == AgentState.AGENT_SILENT) {
      calls.failWaiting(unavailableNow());
    } else {
      // Calls keep waiting (within their deadlines) for the reconnect.
      setState(AgentState.DISCONNECTED, cause.getMessage(), cause.connectFailure());
    }
    if (cause.connectFailure() != null) {
      lastConnectFailure = cause;
    }
    MDC.put("vmId", vmId);
    try {
      log.info("agent session of {} ended: {}", vmId, cause.getMessage());
    } finally {
      MDC.remove("vmId");
    }
    scheduleReconnect();
  }

  /** The next attempt of this VM's single reconnect loop, after a jittered exponential delay. */
  private void scheduleReconnect() {
    if (closed || reconnectTimer != null || disarmed.getAsBoolean()) {
      return;
    }
    long jittered = reconnectDelayNanos(failuresInRow, config.reconnectMin().toNanos(),
        config.reconnectMax().toNanos(), ThreadLocalRandom.current().nextDouble());
    try {
      reconnectTimer = loop.schedule(this::connectNow, jittered, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("agent {}: loops shut down, no reconnect", vmId);
    }
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

  // ---------------------------------------------------------------- events

  void onAgentReady(SessionHandler handler, AgentReadyEvent event) {
    if (handler != session && handler != attempt) {
      return;
    }
    AgentInfo info = events.agentReady(event);
    MDC.put("vmId", vmId);
    try {
      log.debug("agent {} ready: version {} on {}", vmId, info.version(), info.hostname());
    } finally {
      MDC.remove("vmId");
    }
    if (handler == session) {
      if (status.state() != AgentState.CONNECTED) {
        becomeReady();
      } else {
        status.refresh();
      }
    }
  }

  void onPongBeforeReady(SessionHandler handler) {
    if (handler == session && status.state() != AgentState.CONNECTED) {
      becomeReady();
    }
  }

  void onTelemetry(SessionHandler handler, TelemetryReport report) {
    if (handler == session || handler == attempt) {
      events.telemetry(report);
    }
  }

  void onGuestEvent(SessionHandler handler, AgentMessage m) {
    if (handler == session || handler == attempt) {
      events.guestEvent(m);
    }
  }

  /** Sends an internal ping that proves the agent answers (readiness and keep-alive). */
  void sendProbe(SessionHandler handler) {
    if (handler.isOpen()) {
      Duration probeTimeout = config.keepAliveIdle().compareTo(config.readyTimeout()) < 0
          ? config.readyTimeout() : config.keepAliveIdle();
      Call<AgentMessage> probe = new Call<>(Operation.PING,
          AgentMessage.newBuilder().setPing(PingRequest.newBuilder().setSequence(++probeSequence))
              .build(),
          Deadline.after(probeTimeout), false, null, false, m -> m, Runnable::run);
      probe.internal = true;
      probe.deadlineTimer = loop.schedule(() -> {
        probe.deadlineTimer = null;
        if (!probe.isDone()) {
          calls.abandon(probe);
          probe.fail(AgentException.of(Code.DEADLINE_EXCEEDED, "probe"));
        }
      }, probeTimeout.toNanos(), TimeUnit.NANOSECONDS);
      handler.send(probe);
    }
  }

  // ---------------------------------------------------------------- helpers

  private void setState(AgentState state, String detail, ConnectFailure failure) {
    setState(state, detail, failure, endpointText);
  }

  private void setState(AgentState state, String detail, ConnectFailure failure, String endpoint) {
    status.set(state, detail, failure, endpoint, attempts);
  }

  private String endpointOrVm() {
    return endpointText.isEmpty() ? (endpoints.isEmpty() ? vmId : endpoints.get(0).uri())
        : endpointText;
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** Installs flush consolidation, framing, keep-alive and a fresh session handler on a new channel. */
  private final class SessionInitializer extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel ch) {
      Endpoint endpoint = ch.attr(Transports.ENDPOINT).get();
      FrameFormat format = endpoint == null ? FrameFormat.MAGIC : endpoint.framing();
      FrameDecoder decoder = new FrameDecoder(format);
      SessionHandler handler = new SessionHandler(VmLink.this, decoder);
      long idle = config.keepAliveIdle().toNanos();
      // Calls submitted while the loop is busy go out with one write syscall, not one each.
      ch.pipeline().addLast("flush", new FlushConsolidationHandler(
              FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
          .addLast("framing", decoder)
          .addLast("keepalive", new IdleStateHandler(idle, 0, 0, TimeUnit.NANOSECONDS))
          .addLast("session", handler);
      if (closed) {
        ch.close();
        return;
      }
      attempt = handler;
    }
  }
}
