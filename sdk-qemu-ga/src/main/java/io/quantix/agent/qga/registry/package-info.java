/**
 * Both agent channels of every VM: {@link io.quantix.agent.qga.registry.GuestAgents} beside the
 * core registry, qemu-ga resolvers, and the dashboard's {@link
 * io.quantix.agent.qga.registry.AgentPresence} verdict from cached state.
 */
package io.quantix.agent.qga.registry;
