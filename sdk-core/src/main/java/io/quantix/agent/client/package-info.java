/**
 * The typed, asynchronous client of one VM's guest agent: {@link io.quantix.agent.client.AgentClient}
 * with {@link io.quantix.agent.client.CallOptions}, request specs such as
 * {@link io.quantix.agent.client.Exec}, and result values. Clients come from an
 * {@link io.quantix.agent.registry.AgentRegistry}, which shares one session per VM channel.
 */
package io.quantix.agent.client;
