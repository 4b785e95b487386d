package io.quantix.agent;

/**
 * Why a connection to a guest agent could not be made, for programs to act on and people to read.
 *
 * <pre>{@code
 * catch (AgentException e) {
 *   if (e.connectFailure() == ConnectFailure.VM_NOT_RUNNING) { scheduleLater(); }
 * }
 * }</pre>
 */
public enum ConnectFailure {
  /** The socket file is missing or not a socket: agent channel not configured, or VM not defined. */
  NO_CHANNEL("agent channel missing: the VM is not defined or has no agent channel"),
  /** Connection refused: nobody serves the channel, so the VM (QEMU) is not running. */
  VM_NOT_RUNNING("connection refused: the VM is not running"),
  /** Another process on this host holds the single-client channel (advisory lock). */
  CHANNEL_BUSY("the channel is held by another process on this host"),
  /** A transport handshake (hybrid vsock CONNECT) was answered with something unexpected. */
  HANDSHAKE_FAILED("transport handshake failed"),
  /** The channel closed before the agent side was reachable (hybrid vsock: no listener yet). */
  AGENT_NOT_READY("the agent is not listening yet"),
  /** Connected, but no AgentReady or pong in time: agent not installed or not running, or the channel is held elsewhere. */
  AGENT_SILENT("agent not installed or not running, or channel held elsewhere"),
  /** The platform or kernel lacks the transport (no AF_VSOCK, no transport module on the classpath). */
  NOT_SUPPORTED("transport not supported here"),
  /** The connect attempt did not finish within its share of the deadline. */
  TIMEOUT("connect timed out");

  private final String description;

  ConnectFailure(String description) {
    this.description = description;
  }

  /** A sentence for people. */
  public String description() {
    return description;
  }

  /** Whether an auto-fallback should try the next endpoint at once rather than wait. */
  public boolean tryNextAtOnce() {
    return this == NO_CHANNEL || this == NOT_SUPPORTED || this == VM_NOT_RUNNING
        || this == CHANNEL_BUSY;
  }
}
