package io.quantix.agent.micrometer;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.quantix.agent.micrometer.AgentObservationDocumentation.HighCardinalityKeys;
import io.quantix.agent.micrometer.AgentObservationDocumentation.LowCardinalityKeys;

/**
 * The default names and tags of an agent call: observation {@code quantix.agent.call}, span
 * {@code agent <operation>}, tags {@code operation}, {@code outcome}, {@code transport}; the VM id
 * is a high-cardinality key (on spans, never on metrics) unless {@code vmIdAsMetricTag} is set,
 * which makes one series per VM and per operation: keep it for hosts with few VMs.
 *
 * <pre>{@code
 * AgentCallConvention perVm = new DefaultAgentCallConvention(true);   // vm tag on metrics too
 * }</pre>
 */
public class DefaultAgentCallConvention implements AgentCallConvention {
  /** The observation's name (the timer {@code quantix.agent.call}, in seconds). */
  public static final String NAME = "quantix.agent.call";

  private final boolean vmIdAsMetricTag;

  /** The VM id stays off metric tags. */
  public DefaultAgentCallConvention() {
    this(false);
  }

  /** @param vmIdAsMetricTag whether the VM id is a metric tag (one series per VM) */
  public DefaultAgentCallConvention(boolean vmIdAsMetricTag) {
    this.vmIdAsMetricTag = vmIdAsMetricTag;
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(AgentCallContext context) {
    return "agent " + context.operation();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(AgentCallContext context) {
    // Read at start (the long-task timer of calls in progress) and at stop (the timer): the
    // outcome exists only at stop, and an "UNKNOWN" outcome series would be noise.
    KeyValues tags = context.ended()
        ? KeyValues.of(
            KeyValue.of(LowCardinalityKeys.OPERATION, context.operation()),
            KeyValue.of(LowCardinalityKeys.OUTCOME, context.outcome()),
            KeyValue.of(LowCardinalityKeys.TRANSPORT, context.transport()))
        : KeyValues.of(
            KeyValue.of(LowCardinalityKeys.OPERATION, context.operation()),
            KeyValue.of(LowCardinalityKeys.TRANSPORT, context.transport()));
    return vmIdAsMetricTag ? tags.and(KeyValue.of(HighCardinalityKeys.VM, context.vmId())) : tags;
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(AgentCallContext context) {
    return vmIdAsMetricTag ? KeyValues.empty()
        : KeyValues.of(KeyValue.of(HighCardinalityKeys.VM, context.vmId()));
  }
}
