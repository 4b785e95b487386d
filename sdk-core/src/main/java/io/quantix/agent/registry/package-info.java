/**
 * {@link io.quantix.agent.registry.AgentRegistry}: one shared session per VM channel, cached
 * {@link io.quantix.agent.client.AgentStatus}, reconnect, and
 * {@link io.quantix.agent.registry.EndpointResolver}s that map VM ids to endpoints.
 */
package io.quantix.agent.registry;
