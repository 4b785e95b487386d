package io.quantix.agent.registry;

/**
 * Sees every status transition of every VM of a registry. Called on the SDK's event executor,
 * in order per VM; a slow listener loses the oldest transitions rather than stalling anything.
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
