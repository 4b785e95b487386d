package io.quantix.agent.client;

import io.quantix.agent.AgentException;

/**
 * Receives metrics of calls and sessions; every method has a no-op default, so an implementation
 * overrides what it records. Called on I/O threads: implementations must be quick and must not
 * block (increment a counter, record into a histogram).
 *
 * <pre>{@code
 * AgentMetrics m = new AgentMetrics() {
 *   public void callCompleted(String vm, String op, AgentException.Code code, long nanos) {
 *     histogram(op).record(nanos);
 *   }
 * };
 * AgentRegistry.builder().metrics(m)...
 * }</pre>
 */
public interface AgentMetrics {
  /** Records nothing. */
  AgentMetrics NOOP = new AgentMetrics() { };

  /** A call started. */
  default void callStarted(String vmId, String operation) { }

  /**
   * A call ended.
   *
   * @param code null on success
   * @param nanos time from start to end
   */
  default void callCompleted(String vmId, String operation, AgentException.Code code, long nanos) { }

  /**
   * A call started, on the thread that submitted it (the caller's own thread for a call made
   * through {@code AgentClient}), so a tracer can read the caller's current trace context here.
   * What it returns is handed back to {@link #callEnded} for the same call. The default calls
   * {@link #callStarted} and returns null.
   */
  default Object callBegan(String vmId, String operation) {
    callStarted(vmId, operation);
    return null;
  }

  /**
   * A call ended; {@code context} is what {@link #callBegan} returned for it. The default calls
   * {@link #callCompleted}.
   *
   * @param code null on success
   * @param nanos time from start to end
   */
  default void callEnded(Object context, String vmId, String operation, AgentException.Code code,
      long nanos) {
    callCompleted(vmId, operation, code, nanos);
  }

  /** Calls of the VM waiting for a session (queued while it connects) changed. */
  default void waiting(String vmId, int calls) { }

  /** A call was retried. */
  default void callRetried(String vmId, String operation) { }

  /** Calls in flight for the VM changed. */
  default void inFlight(String vmId, int calls) { }

  /** A connection attempt started (attempt 1 is the first after a loss). */
  default void connectAttempt(String vmId, int attempt) { }

  /** A session became ready. */
  default void sessionReady(String vmId) { }

  /** A session ended. */
  default void sessionClosed(String vmId) { }

  /** The decoder skipped bytes or dropped a frame while resynchronising. */
  default void resync(String vmId, long skippedBytes, int droppedFrames) { }

  /** A reply with no matching call (late, duplicate or unknown id) was dropped. */
  default void unknownReply(String vmId) { }

  /** An event to a slow listener was dropped. */
  default void eventDropped(String vmId) { }

  /** Frame bytes read. */
  default void bytesIn(String vmId, long bytes) { }

  /** Frame bytes written. */
  default void bytesOut(String vmId, long bytes) { }
}
