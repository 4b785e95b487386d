package io.quantix.agent.client.internal;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.PongResponse;
import java.time.Duration;

/**
 * What a {@link SessionHandler} needs from the link that owns it: a few per-link values and the
 * session events it reports. The link ({@link VmLink}) implements it; unit tests give a session a
 * recording owner. Every method is called on the session's event loop.
 */
interface SessionOwner {
  /** The VM, for metrics and messages. */
  String vmId();

  /** The endpoint of the live session, for messages. */
  String endpointText();

  AgentMetrics metrics();

  /** Where call futures complete: batched per read, flushed at the end of each read. */
  CompletionBatch completions();

  /** How long calls sent before a mid-session AgentReady may still be answered. */
  Duration resetGrace();

  /** Unanswered keep-alives in a row before the session is declared silent. */
  int keepAliveMisses();

  void onAgentReady(SessionHandler session, AgentReadyEvent event);

  /**
   * A pong (probe or caller's ping); {@code first}: the session's first answer and no AgentReady
   * before it (an agent that announces nothing but answers: the session is ready now).
   */
  void onPong(SessionHandler session, PongResponse pong, boolean first);

  /** A telemetry report of a live session (the envelope carries the agent's timestamp). */
  void onTelemetry(SessionHandler session, AgentMessage report);


  /** An unsolicited guest event (error, clipboard change). */
  void onGuestEvent(SessionHandler session, AgentMessage message);

  /** Keep-alives went unanswered; the session closes next. */
  void onKeepAliveLost(SessionHandler session, AgentException cause);

  /** The channel was idle: send a keep-alive probe. */
  void sendProbe(SessionHandler session);

  /** The channel ended; called before the session fails its pending calls. */
  void onSessionClosed(SessionHandler session, AgentException cause);

  /** Where a session hands the outcome of each call: the link's {@link CallRouter}. */
  interface CallOutcomes {
    /** The agent answered {@code call}. */
    void onReply(Call<?> call, AgentMessage reply);

    /** {@code call} failed; {@code mayHaveRun}: the request may have reached the agent. */
    void onCallFailed(Call<?> call, AgentException failure, boolean mayHaveRun);
  }

  /** The per-link values every owner has: VM, settings and where completions go. */
  abstract class Base implements SessionOwner {
    final String vmId;
    final LinkConfig config;
    final CompletionBatch completions;

    Base(String vmId, LinkConfig config, CompletionBatch completions) {
      this.vmId = vmId;
      this.config = config;
      this.completions = completions;
    }

    @Override
    public String vmId() {
      return vmId;
    }

    @Override
    public Duration resetGrace() {
      return config.resetGrace();
    }

    @Override
    public int keepAliveMisses() {
      return config.keepAliveMisses();
    }

    @Override
    public CompletionBatch completions() {
      return completions;
    }

    @Override
    public AgentMetrics metrics() {
      return config.metrics();
    }
  }
}
