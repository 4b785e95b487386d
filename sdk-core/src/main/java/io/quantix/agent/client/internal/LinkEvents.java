package io.quantix.agent.client.internal;

import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.GuestEvent;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ErrorSeverity;
import io.quantix.agent.proto.AgentReadyEvent;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What one VM's guest pushed (AgentReady, telemetry, error and clipboard events): the latest values
 * for cached status, and delivery to listeners through their mailboxes. Listener sets are made on
 * first use, so a dashboard-only VM carries none of them.
 */
final class LinkEvents {
  /** Telemetry listeners get the latest report only. */
  private static final int TELEMETRY_CAPACITY = 1;
  private static final int READY_CAPACITY = 16;
  private static final int GUEST_EVENT_CAPACITY = 64;

  private final String vmId;
  private final AgentMetrics metrics;
  private final Executor executor;

  private volatile Listeners<Telemetry> telemetryListeners;
  private volatile Listeners<AgentInfo> readyListeners;
  private volatile Listeners<GuestEvent> guestEventListeners;
  private volatile AgentInfo agentInfo;
  private volatile Telemetry telemetry;

  LinkEvents(String vmId, AgentMetrics metrics, Executor executor) {
    this.vmId = vmId;
    this.metrics = metrics;
    this.executor = executor;
  }

  AgentInfo agentInfo() {
    return agentInfo;
  }

  Telemetry telemetry() {
    return telemetry;
  }

  synchronized Subscription onTelemetry(Consumer<? super Telemetry> listener) {
    if (telemetryListeners == null) {
      telemetryListeners = new Listeners<>(TELEMETRY_CAPACITY, this::dropped);
    }
    return telemetryListeners.add(listener, executor);
  }

  synchronized Subscription onAgentReady(Consumer<? super AgentInfo> listener) {
    if (readyListeners == null) {
      readyListeners = new Listeners<>(READY_CAPACITY, this::dropped);
    }
    return readyListeners.add(listener, executor);
  }

  synchronized Subscription onGuestEvent(Consumer<? super GuestEvent> listener) {
    if (guestEventListeners == null) {
      guestEventListeners = new Listeners<>(GUEST_EVENT_CAPACITY, this::dropped);
    }
    return guestEventListeners.add(listener, executor);
  }

  /** Records an AgentReady and tells its listeners; returns the value. */
  AgentInfo agentReady(AgentReadyEvent event) {
    AgentInfo info = AgentInfo.from(event, Instant.now());
    agentInfo = info;
    Listeners<AgentInfo> listeners = readyListeners;
    if (listeners != null) {
      listeners.publish(info);
    }
    return info;
  }

  /**
   * Stores what the session pieced together without an AgentReady (pong, capabilities, telemetry's
   * host name): cached for status and calls, not an AgentReady for its listeners.
   */
  void learn(AgentInfo info) {
    agentInfo = info;
  }

  /** Records a live telemetry report (with the agent's own timestamp) and tells its listeners. */
  Telemetry telemetry(AgentMessage m) {
    Instant sentAt = m.hasTimestamp() ? Instant.ofEpochSecond(m.getTimestamp().getSeconds(),
        m.getTimestamp().getNanos()) : null;
    Telemetry t = new Telemetry(m.getTelemetry(), Instant.now(), System.nanoTime(), sentAt);
    telemetry = t;
    Listeners<Telemetry> listeners = telemetryListeners;
    if (listeners != null) {
      listeners.publish(t);
    }
    return t;
  }

  void guestEvent(AgentMessage m) {
    Listeners<GuestEvent> listeners = guestEventListeners;
    if (listeners == null) {
      return;
    }
    Instant now = Instant.now();
    listeners.publish(m.getPayloadCase() == AgentMessage.PayloadCase.ERROR
        ? new GuestEvent.Error(severity(m.getError().getSeverity()), m.getError().getCode(),
            m.getError().getMessage(), m.getError().getDetailsMap(), now)
        : new GuestEvent.ClipboardChanged(GuestDesktopImpl.type(m.getClipboardChanged().getType()),
            m.getClipboardChanged().getData().toByteArray(),
            m.getClipboardChanged().getMimeType(), now));
  }

  synchronized void clear() {
    for (Listeners<?> l : new Listeners<?>[] {telemetryListeners, readyListeners,
        guestEventListeners}) {
      if (l != null) {
        l.clear();
      }
    }
  }

  private void dropped() {
    metrics.eventDropped(vmId);
  }

  private static GuestEvent.Severity severity(ErrorSeverity wire) {
    switch (wire) {
      case ERROR_SEVERITY_WARNING:
        return GuestEvent.Severity.WARNING;
      case ERROR_SEVERITY_ERROR:
        return GuestEvent.Severity.ERROR;
      case ERROR_SEVERITY_CRITICAL:
        return GuestEvent.Severity.CRITICAL;
      default:
        return GuestEvent.Severity.UNKNOWN;
    }
  }
}
