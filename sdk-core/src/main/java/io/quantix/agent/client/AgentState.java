package io.quantix.agent.client;

/**
 * The state of one VM's agent link, as a dashboard shows it.
 *
 * <pre>{@code
 * if (registry.status("vm-42").state() == AgentState.CONNECTED) { ... }
 * }</pre>
 */
public enum AgentState {
  /** A connect or the wait for AgentReady is under way. */
  CONNECTING,
  /** AgentReady (or a pong) was seen on the live session. */
  CONNECTED,
  /** The live session ended; a reconnect is scheduled. */
  DISCONNECTED,
  /** The channel opened but no AgentReady or pong came in time. */
  AGENT_SILENT,
  /** The channel refused the connection: the VM is not running. */
  VM_NOT_RUNNING,
  /** The socket file is missing: the VM is not defined or has no agent channel. */
  NO_CHANNEL,
  /** The registry was closed or the VM removed. */
  CLOSED
}
