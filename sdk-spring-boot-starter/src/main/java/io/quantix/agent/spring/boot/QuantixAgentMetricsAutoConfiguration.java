package io.quantix.agent.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.micrometer.AgentObservability;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Instruments the auto-configured registry with {@link AgentObservability} when the application
 * has a {@link MeterRegistry} or an {@link ObservationRegistry} bean (Actuator makes both):
 * {@code quantix.agent.call} observations (timers, and spans when tracing is set up), session
 * gauges, counters and timers. Off with {@code quantix.agent.metrics.enabled=false}, or when the
 * application defines its own {@link AgentMetrics}.
 *
 * <pre>{@code
 * # application.properties: one series per VM, only for hosts with a few VMs
 * quantix.agent.metrics.vm-id-tag=true
 * }</pre>
 */
@AutoConfiguration(before = QuantixAgentAutoConfiguration.class, afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"})
@ConditionalOnClass({AgentObservability.class, MeterRegistry.class, ObservationRegistry.class})
@ConditionalOnProperty(prefix = "quantix.agent.metrics", name = "enabled", matchIfMissing = true)
@Conditional(QuantixAgentMetricsAutoConfiguration.OnMeterOrObservationRegistry.class)
@EnableConfigurationProperties(QuantixAgentProperties.class)
public class QuantixAgentMetricsAutoConfiguration {

  /** The instrumentation, passed to the registry as its {@link AgentMetrics}. */
  @Bean
  @ConditionalOnMissingBean(AgentMetrics.class)
  public AgentObservability agentObservability(ObjectProvider<MeterRegistry> meters,
      ObjectProvider<ObservationRegistry> observations, QuantixAgentProperties properties) {
    // Without a MeterRegistry (tracing only), meters go to an empty composite: recorded nowhere.
    AgentObservability.Builder builder = AgentObservability
        .builder(meters.getIfUnique(CompositeMeterRegistry::new))
        .vmIdAsMetricTag(properties.getMetrics().isVmIdTag());
    ObservationRegistry registry = observations.getIfUnique();
    if (registry != null) {
      builder.observationRegistry(registry);
    }
    return builder.build();
  }

  /** Binds the sessions-by-state gauges to the registry once it is built. */
  @Bean
  public QuantixAgentAutoConfiguration.RegistryBinding agentObservabilityBinding(
      ObjectProvider<AgentObservability> observability) {
    return registry -> observability.ifAvailable(o -> o.bindTo(registry));
  }

  /** True when a MeterRegistry or an ObservationRegistry bean exists. */
  static final class OnMeterOrObservationRegistry extends AnyNestedCondition {
    OnMeterOrObservationRegistry() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnBean(MeterRegistry.class)
    static final class HasMeterRegistry { }

    @ConditionalOnBean(ObservationRegistry.class)
    static final class HasObservationRegistry { }
  }
}
