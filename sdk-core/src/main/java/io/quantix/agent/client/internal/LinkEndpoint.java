package io.quantix.agent.client.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Ticker;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.PongResponse;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.transport.Connection;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The session side of a {@link VmLink}, on the lines of Lettuce's {@code DefaultEndpoint}: which
 * channel is the VM's session, what its events mean for the status, and when the
 * {@link Reconnector} tries again. All mutable state is confined to the VM's event loop, so
 * nothing here takes a lock; other threads hand work over with {@code loop.execute}.
 */
final class LinkEndpoint extends SessionOwner.Base implements CallRouter.Link, Reconnector.Owner {
  private static final Logger log = LoggerFactory.getLogger(LinkEndpoint.class);

  private final EventLoop loop;
  private final CallRouter calls;
  private final Reconnector reconnector;
  private final SessionPipeline pipeline;
  private final LinkEvents events;
  private final LinkStatus status;
  private final SessionIdentity identity;

  // Loop-confined.
  private SessionHandler attempt;
  private SessionHandler session;
  private boolean closed;
  private ScheduledFuture<?> readyTimer;
  private String endpointText = "";
  private AgentException lastConnectFailure;

  LinkEndpoint(String vmId, List<Endpoint> endpoints, Function<String, List<Endpoint>> resolver,
      LinkConfig config, EventLoop loop, LinkEvents events, Consumer<VmLink.StatusChange> statusSink,
      BooleanSupplier disarmed, ConnectGate gate, Ticker ticker) {
    super(vmId, config, new CompletionBatch(loop, config.callbackExecutor()));
    this.loop = loop;
    this.events = events;
    this.calls = new CallRouter(this, vmId, config, loop);
    this.status = new LinkStatus(vmId, events, statusSink);
    this.pipeline = new SessionPipeline(this, calls, config, loop, ticker);
    this.identity = new SessionIdentity(events, pipeline, loop, config.resetGrace(), status::refresh);
    this.reconnector = new Reconnector(vmId, endpoints, resolver, config, loop, gate, ticker,
        disarmed, this);
  }

  @Override
  public String endpointText() {
    return endpointText;
  }

  /** The cached status: no I/O. */
  AgentStatus status() {
    return status.current();
  }

  /** What gates calls: the agent's capabilities, once known (AgentReady or GetCapabilities). */
  @Override
  public AgentInfo agentInfo() {
    AgentInfo info = events.agentInfo();
    return info != null && info.isKnown(AgentInfo.Field.CAPABILITIES) ? info : null;
  }

  /** Starts connecting. */
  void start() {
    loop.execute(reconnector::connectNow);
  }

  /** Closes the session and stops reconnecting; the future completes once the channel closed. */
  CompletableFuture<Void> close() {
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
    reconnector.cancel();
    stopReadyTimer();
    identity.stop();
    calls.failAll(session, attempt);
    setState(AgentState.CLOSED, "closed", null);
    SessionPipeline.closeChannels(done, session, attempt);
    events.clear();
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
  @Override
  public boolean mayWait() {
    AgentState state = status.state();
    return state == AgentState.CONNECTING || state == AgentState.DISCONNECTED
        || (session != null && session.isOpen() && state != AgentState.AGENT_SILENT);
  }

  /** UNAVAILABLE with the status's cause (its connect classification, when it has one). */
  @Override
  public AgentException unavailableNow() {
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
  @Override
  public SessionHandler readySession() {
    return session != null && session.isReady() ? session : null;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /** The cached status without the info and telemetry snapshot: for error messages. */
  @Override
  public AgentStatus bareStatus() {
    return status.bare();
  }

  // ---------------------------------------------------------------- connecting

  @Override
  public boolean wantsSession() {
    return !closed && session == null;
  }

  @Override
  public void onAttemptStarting(int attempts) {
    status.attempting(attempts, endpointText);
  }

  @Override
  public ChannelHandler channelInitializer() {
    return pipeline.initializer(handler -> {
      if (closed) {
        return false;
      }
      attempt = handler;
      return true;
    });
  }

  @Override
  public void onConnected(Connection connection, Throwable error) {
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
    status.awaitingReady(reconnector.attempts(), endpointText);
    readyTimer = pipeline.probeReadiness(handler, () -> onReadyTimeout(handler));
  }

  @Override
  public void onConnectFailed(AgentException failure) {
    reconnector.onAttemptFailed();
    ConnectFailure kind = failure.connectFailure();
    AgentState state = LinkStatus.stateAfter(kind);
    lastConnectFailure = failure;
    String detail = failure.getMessage();
    if (state != status.state() || !detail.equals(status.bare().detail())) {
      log.debug("agent {} connect failed: {}", vmId, detail);
    }
    // The endpoint of a failure is the one looked for (NO_CHANNEL: the socket path).
    String where = failure.endpoint().orElse(endpointOrVm());
    setState(state, detail, kind, where);
    calls.failWaiting(failure);
    reconnector.schedule();
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

  @Override
  public void onKeepAliveLost(SessionHandler handler, AgentException cause) {
    if (handler == session && !closed) {
      setState(AgentState.AGENT_SILENT, cause.getMessage(), ConnectFailure.AGENT_SILENT);
      calls.failWaiting(cause);
    }
  }

  private void becomeReady() {
    lastConnectFailure = null;
    stopReadyTimer();
    reconnector.onReady();
    calls.closeBreaker();
    AgentInfo info = events.agentInfo();
    setState(AgentState.CONNECTED, "connected through " + endpointText
        + (info == null ? "" : ", agent " + info.version()), null);
    config.metrics().sessionReady(vmId);
    calls.dispatchWaiting();
  }

  @Override
  public void onSessionClosed(SessionHandler handler, AgentException cause) {
    if (handler == attempt) {
      attempt = null;
    }
    if (handler != session) {
      return;
    }
    boolean wasReady = handler.isReady();
    session = null;
    stopReadyTimer();
    identity.stop();
    config.metrics().sessionClosed(vmId);
    if (closed) {
      return;
    }
    reconnector.onSessionEnded(wasReady);
    if (status.state() == AgentState.AGENT_SILENT) {
      calls.failWaiting(unavailableNow());
    } else if (!wasReady && cause.code() == Code.PROTOCOL) {
      // The agent cannot be understood (a framing mismatch): waiting calls learn it now.
      setState(AgentState.DISCONNECTED, cause.getMessage(), null);
      calls.failWaiting(cause);
    } else {
      // Calls keep waiting (within their deadlines) for the reconnect.
      setState(AgentState.DISCONNECTED, cause.getMessage(), cause.connectFailure());
    }
    if (cause.connectFailure() != null) {
      lastConnectFailure = cause;
    }
    try (MDC.MDCCloseable vm = MDC.putCloseable("vmId", vmId)) {
      log.info("agent session of {} ended: {}", vmId, cause.getMessage());
    }
    reconnector.schedule();
  }

  // ---------------------------------------------------------------- events

  @Override
  public void onAgentReady(SessionHandler handler, AgentReadyEvent event) {
    if (handler != session && handler != attempt) {
      return;
    }
    identity.onAgentReady(handler);
    AgentInfo info = events.agentReady(event);
    try (MDC.MDCCloseable vm = MDC.putCloseable("vmId", vmId)) {
      log.debug("agent {} ready: version {} on {}", vmId, info.version(), info.hostname());
    }
    if (handler == session) {
      if (status.state() != AgentState.CONNECTED) {
        becomeReady();
      } else {
        // A guest reset on a live session: listeners hear of it though the state stays.
        status.guestReset("connected through " + endpointText + ", agent " + info.version()
            + " (agent restarted: AgentReady mid-session at " + info.receivedAt() + ")");
      }
    }
  }

  @Override
  public void onPong(SessionHandler handler, PongResponse pong, boolean first) {
    if (handler != session) {
      return;
    }
    boolean news = identity.onPong(handler, pong);
    if (first && status.state() != AgentState.CONNECTED) {
      becomeReady();
      identity.readyWithoutAgentReady(handler);
    } else if (news) {
      status.refresh();
    }
  }

  @Override
  public void onTelemetry(SessionHandler handler, AgentMessage m) {
    if (handler == session || handler == attempt) {
      identity.onTelemetry(events.telemetry(m));
    }
  }


  @Override
  public void onGuestEvent(SessionHandler handler, AgentMessage m) {
    if (handler == session || handler == attempt) {
      events.guestEvent(m);
    }
  }

  @Override
  public void sendProbe(SessionHandler handler) {
    pipeline.sendProbe(handler);
  }

  // ---------------------------------------------------------------- helpers

  private void setState(AgentState state, String detail, ConnectFailure failure) {
    setState(state, detail, failure, endpointText);
  }

  private void setState(AgentState state, String detail, ConnectFailure failure, String endpoint) {
    status.set(state, detail, failure, endpoint, reconnector.attempts());
  }

  private String endpointOrVm() {
    List<Endpoint> endpoints = reconnector.endpoints();
    return endpointText.isEmpty() ? (endpoints.isEmpty() ? vmId : endpoints.get(0).uri())
        : endpointText;
  }

  private void stopReadyTimer() {
    if (readyTimer != null) {
      readyTimer.cancel(false);
      readyTimer = null;
    }
  }
}
