package io.quantix.agent.spring.boot;

import io.quantix.agent.registry.AgentRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@code quantixAgent} health indicator over the registry's health view, when Spring Boot
 * Actuator is present; off with {@code quantix.agent.health.enabled=false}.
 *
 * <pre>{@code
 * # application.properties: DOWN below 90 % of the VMs connected
 * quantix.agent.health.min-connected-ratio=0.9
 * }</pre>
 */
@AutoConfiguration(after = QuantixAgentAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(AgentRegistry.class)
@ConditionalOnProperty(prefix = "quantix.agent.health", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(QuantixAgentProperties.class)
public class QuantixAgentHealthAutoConfiguration {

  /** The indicator, named {@code quantixAgent} in the health endpoint. */
  @Bean
  @ConditionalOnMissingBean(name = "quantixAgentHealthIndicator")
  public AgentRegistryHealthIndicator quantixAgentHealthIndicator(AgentRegistry registry,
      QuantixAgentProperties properties) {
    return new AgentRegistryHealthIndicator(registry,
        properties.getHealth().getMinConnectedRatio(), properties.getHealth().getMaxListed());
  }
}
