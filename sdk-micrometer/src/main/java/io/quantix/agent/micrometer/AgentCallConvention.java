package io.quantix.agent.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags of the {@code quantix.agent.call} observation; extend
 * {@link DefaultAgentCallConvention} to change them and pass it to
 * {@link AgentObservability.Builder#convention(AgentCallConvention)}.
 *
 * <pre>{@code
 * AgentObservability obs = AgentObservability.builder(meters)
 *     .convention(new DefaultAgentCallConvention() {
 *       public String getName() {
 *         return "hypervisor.agent.call";
 *       }
 *     })
 *     .build();
 * }</pre>
 */
public interface AgentCallConvention extends ObservationConvention<AgentCallContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof AgentCallContext;
  }
}
