package io.quantix.agent.client.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.proto.PongResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A session's identity when AgentReady does not come. The real agent sends AgentReady when it
 * opens its port, not when a host connects: behind a bridge, after the agent opened the port
 * before this host arrived, or across an agent restart the host stayed through, a session gets
 * telemetry and answers but no AgentReady. It is ready on a pong (whose version is kept at once);
 * if no AgentReady follows within a short grace, one {@code GetCapabilities} fills the rest, with
 * the host name of the latest telemetry. What it knows is marked in {@link AgentInfo#known()}; an
 * AgentReady replaces it. Confined to the link's event loop.
 */
final class SessionIdentity {
  private final LinkEvents events;
  private final SessionPipeline pipeline;
  private final EventLoop loop;
  private final Duration grace;
  private final Runnable changed;
  /** The session that brought an AgentReady (its identity is complete). */
  private SessionHandler announced;
  private ScheduledFuture<?> timer;

  /** {@code changed} runs (on the loop) when the cached identity changed without an AgentReady. */
  SessionIdentity(LinkEvents events, SessionPipeline pipeline, EventLoop loop, Duration grace,
      Runnable changed) {
    this.events = events;
    this.pipeline = pipeline;
    this.loop = loop;
    this.grace = grace;
    this.changed = changed;
  }

  /** The session brought an AgentReady: it has its identity. */
  void onAgentReady(SessionHandler session) {
    announced = session;
    stop();
  }

  /** A pong: its version is news when nothing told this session the agent's version yet. */
  boolean onPong(SessionHandler session, PongResponse pong) {
    AgentInfo known = events.agentInfo();
    if (session == announced || pong.getVersion().isEmpty()
        || known != null && known.version().equals(pong.getVersion())) {
      return false;
    }
    events.learn(AgentInfo.fromPong(pong.getVersion(), Instant.now()));
    return true;
  }

  /** The session became ready on a pong: ask for capabilities unless AgentReady comes first. */
  void readyWithoutAgentReady(SessionHandler session) {
    stop();
    timer = loop.schedule(() -> {
      timer = null;
      if (session != announced && session.isOpen()) {
        pipeline.fetchCapabilities(session, r -> {
          if (session != announced) {
            Telemetry t = events.telemetry();
            events.learn(AgentInfo.fromCapabilities(r, t == null ? "" : t.hostname(),
                Instant.now()));
            changed.run();
          }
        });
      }
    }, grace.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Live telemetry: its host name completes an identity pieced together without AgentReady. */
  void onTelemetry(Telemetry t) {
    AgentInfo known = events.agentInfo();
    if (known != null && known.source() == AgentInfo.Source.CAPABILITIES
        && !known.isKnown(AgentInfo.Field.HOSTNAME) && !t.hostname().isEmpty()) {
      events.learn(known.withHostname(t.hostname(), Instant.now()));
      changed.run();
    }
  }

  /** The session ended or the link closed. */
  void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
