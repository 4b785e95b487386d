package io.quantix.agent.qga.registry;

import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.qga.QgaState;
import io.quantix.agent.qga.QgaStatus;

/**
 * A VM's two agent channels at once, from cached state only: the Quantix agent's status from the
 * core registry, the qemu-ga session's, and the {@link AgentPresence} they add up to.
 *
 * <pre>{@code
 * VmAgentStatus s = agents.status("vm-42");
 * System.out.println(s.presence() + " (quantix " + s.quantix().state() + ", qga " + s.qga().state() + ")");
 * }</pre>
 *
 * @param vmId the VM
 * @param presence the verdict
 * @param quantix the Quantix agent's status
 * @param qga the qemu-ga session's status
 */
public record VmAgentStatus(String vmId, AgentPresence presence, AgentStatus quantix,
    QgaStatus qga) {

  /** The verdict for a pair of statuses; see {@link AgentPresence}. */
  public static AgentPresence presence(AgentStatus quantix, QgaStatus qga) {
    AgentState a = quantix.state();
    QgaState q = qga.state();
    if (a == AgentState.CONNECTED) {
      return AgentPresence.QUANTIX_CONNECTED;
    }
    if (a == AgentState.VM_NOT_RUNNING || q == QgaState.VM_NOT_RUNNING) {
      return AgentPresence.VM_NOT_RUNNING;
    }
    if (a == AgentState.CLOSED) {
      return AgentPresence.CLOSED;
    }
    if (a == AgentState.CONNECTING || a == AgentState.DISCONNECTED) {
      return AgentPresence.QUANTIX_STARTING;
    }
    // AGENT_SILENT or NO_CHANNEL: the Quantix agent is not there; qemu-ga decides.
    switch (q) {
      case READY:
        return AgentPresence.QGA_ONLY;
      case IDLE:
      case CONNECTING:
      case SYNCING:
        return AgentPresence.CHECKING;
      default:
        return AgentPresence.NO_AGENT;
    }
  }
}
