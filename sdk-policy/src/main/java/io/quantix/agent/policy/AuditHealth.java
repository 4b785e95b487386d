package io.quantix.agent.policy;

/**
 * Whether an audit sink is writing its records now, for policies that fail closed
 * ({@code audit.failClosed}). {@link JsonLinesAuditSink} is one.
 *
 * <pre>{@code
 * AuditHealth health = sink;
 * if (!health.healthy()) {
 *   alert("audit failing: " + health.lastFailure());
 * }
 * }</pre>
 */
public interface AuditHealth {
  /** False while the last write failed; true again after a write succeeds. */
  boolean healthy();

  /** The last failure's description, or empty. */
  String lastFailure();
}
