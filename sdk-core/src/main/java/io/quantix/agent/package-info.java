/**
 * Types shared by every layer of the SDK: {@link io.quantix.agent.AgentException} with its
 * {@link io.quantix.agent.AgentException.Code}, the {@link io.quantix.agent.ConnectFailure}
 * classification, and {@link io.quantix.agent.Deadline}.
 */
package io.quantix.agent;
