package io.quantix.agent.client.internal;

import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The status job of a {@link VmLink}: holds the VM's current {@link AgentStatus}, builds the next
 * one, and reports state transitions to the owner. Written only on the link's event loop; read
 * from any thread (the field is volatile and the status immutable).
 */
final class LinkStatus {
  private final String vmId;
  private final LinkEvents events;
  private final Consumer<VmLink.StatusChange> sink;
  private volatile AgentStatus status;

  LinkStatus(String vmId, LinkEvents events, Consumer<VmLink.StatusChange> sink) {
    this.vmId = vmId;
    this.events = events;
    this.sink = sink;
    this.status = AgentStatus.builder(vmId, AgentState.CONNECTING).detail("not connected yet")
        .build();
  }

  /** The status with the latest AgentReady and telemetry snapshot: no I/O. */
  AgentStatus current() {
    return status.withSnapshot(events.agentInfo(), events.telemetry());
  }

  /** The status as last set, without the snapshot: for error messages and state checks. */
  AgentStatus bare() {
    return status;
  }

  AgentState state() {
    return status.state();
  }

  /** A new state; {@code since} stays when the state does not change. A transition is reported. */
  void set(AgentState state, String detail, ConnectFailure failure, String endpoint, int attempts) {
    AgentStatus s = status;
    Instant since = s.state() == state ? s.since() : Instant.now();
    publish(AgentStatus.builder(vmId, state).since(since).attempt(attempts).detail(detail)
        .failure(failure).endpoint(endpoint).build(), true);
  }

  /** The same state with another attempt count and endpoint: no transition. */
  void sameState(int attempts, String endpoint) {
    publish(status.toBuilder().attempt(attempts).endpoint(endpoint).info(null).lastTelemetry(null)
        .build(), false);
  }

  /**
   * Connect attempt {@code attempts} begins: CONNECTING (at the last session's
   * {@code endpoint}), except for a VM known to be down, which
   * keeps its state (and its cause) while the loop retries.
   */
  void attempting(int attempts, String endpoint) {
    AgentState current = status.state();
    if (current == AgentState.CONNECTING || current == AgentState.DISCONNECTED
        || current == AgentState.CONNECTED) {
      set(AgentState.CONNECTING, "connecting (attempt " + attempts + ")", null, endpoint,
          attempts);
    } else {
      sameState(attempts, status.endpoint());
    }
  }

  /**
   * Connected, waiting for AgentReady. Reaching the socket again is no news for a silent agent:
   * it stays silent (no flicker) until it speaks.
   */
  void awaitingReady(int attempts, String endpoint) {
    if (status.state() == AgentState.AGENT_SILENT) {
      sameState(attempts, endpoint);
    } else {
      set(AgentState.CONNECTING, "connected to " + endpoint + ", waiting for AgentReady (attempt "
          + attempts + ")", null, endpoint, attempts);
    }
  }

  /** The state a failed connect attempt of this classification leaves the VM in. */
  static AgentState stateAfter(ConnectFailure kind) {
    return kind == ConnectFailure.NO_CHANNEL ? AgentState.NO_CHANNEL
        : kind == ConnectFailure.VM_NOT_RUNNING ? AgentState.VM_NOT_RUNNING
        : kind == ConnectFailure.AGENT_SILENT ? AgentState.AGENT_SILENT
        : AgentState.DISCONNECTED;
  }

  /** Stores the current snapshot (a new AgentReady on a connected link): no transition. */
  void refresh() {
    publish(current(), false);
  }

  /**
   * A guest reset on a live session (AgentReady mid-session): the state stays CONNECTED, the detail
   * says so, and status listeners hear of it as a change (same state, new detail and snapshot).
   */
  void guestReset(String detail) {
    AgentStatus previous = current();
    status = status.toBuilder().detail(detail).info(null).lastTelemetry(null).build();
    sink.accept(new VmLink.StatusChange(previous, current()));
  }

  private void publish(AgentStatus next, boolean transition) {
    AgentStatus previous = current();
    status = next;
    if (transition && previous.state() != next.state()) {
      sink.accept(new VmLink.StatusChange(previous, current()));
    }
  }
}
