package io.quantix.agent.qga.registry;

/**
 * The dashboard's question about a VM, answered from cached state: which agent can serve it.
 *
 * <pre>{@code
 * switch (agents.status("vm-42").presence()) {
 *   case QGA_ONLY -> offerInstall("vm-42");
 *   default -> { }
 * }
 * }</pre>
 */
public enum AgentPresence {
  /** The Quantix agent is connected. */
  QUANTIX_CONNECTED,
  /** The Quantix channel is being connected (or reconnected); no verdict yet. */
  QUANTIX_STARTING,
  /** The Quantix agent is not installed or not running, but qemu-ga answers. */
  QGA_ONLY,
  /** Neither the Quantix agent nor qemu-ga answers. */
  NO_AGENT,
  /** The VM's channels refuse connections: QEMU is not running. */
  VM_NOT_RUNNING,
  /** The Quantix agent is absent and qemu-ga has not been asked yet, or is being asked. */
  CHECKING,
  /** Not watched by this registry, or closed. */
  CLOSED
}
