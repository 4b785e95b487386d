package io.quantix.agent.registry;

import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;

/**
 * Sees every status transition (a change of {@link AgentState}) of every VM of a registry. Called
 * on the SDK's event executor, one transition at a time and in order; never on an I/O thread. A
 * listener that falls more than 65,536 transitions behind loses the oldest (with a warning) rather
 * than stalling anything or holding memory without bound.
 *
 * <pre>{@code
 * registry.addStatusListener((previous, current) ->
 *     log.info("{}: {} -> {}", current.vmId(), previous.state(), current.state()));
 * }</pre>
 */
@FunctionalInterface
public interface StatusListener {
  /**
   * @param previous the status before the transition
   * @param current the status after it
   */
  void onStatusChange(AgentStatus previous, AgentStatus current);
}
