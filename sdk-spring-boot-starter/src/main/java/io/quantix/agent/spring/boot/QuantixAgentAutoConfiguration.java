package io.quantix.agent.spring.boot;

import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.spring.boot.QuantixAgentProperties.ResolverKind;
import io.quantix.agent.transport.TransportOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * An {@link AgentRegistry} bean from {@code quantix.agent.*} ({@link QuantixAgentProperties}),
 * closed with the application context. It takes the application's {@link EndpointResolver} and
 * {@link AgentMetrics} beans when there are such beans (the Micrometer binding provides the
 * latter), and backs off when the application defines its own registry.
 *
 * <pre>{@code
 * @Service
 * class Dashboard {
 *   private final AgentRegistry agents;
 *   Dashboard(AgentRegistry agents) { this.agents = agents; }
 *   AgentStatus status(String vm) { return agents.status(vm); }   // cached, no I/O
 * }
 * }</pre>
 */
@AutoConfiguration
@ConditionalOnClass(AgentRegistry.class)
@EnableConfigurationProperties(QuantixAgentProperties.class)
public class QuantixAgentAutoConfiguration {

  /**
   * The registry; discovery of {@code socket-dir} (when asked) runs once it is built.
   *
   * @throws IllegalStateException if the properties contradict each other
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public AgentRegistry agentRegistry(QuantixAgentProperties properties,
      ObjectProvider<EndpointResolver> resolver, ObjectProvider<AgentMetrics> metrics,
      ObjectProvider<RegistryBinding> bindings) {
    AgentRegistry.Builder builder = AgentRegistry.builder()
        .resolver(resolver.getIfAvailable(() -> resolverOf(properties)))
        .connectTimeout(properties.getConnectTimeout())
        .readyTimeout(properties.getReadyTimeout())
        .reconnectBackoff(properties.getReconnectMin(), properties.getReconnectMax())
        .defaultCallOptions(CallOptions.DEFAULT.withTimeout(properties.getCallTimeout()))
        .ioThreads(properties.getEventLoopThreads())
        .callbackThreads(properties.getCallbackThreads())
        .maxInFlight(properties.getMaxInFlight())
        .maxConcurrentConnects(properties.getMaxConcurrentConnects());
    if (properties.getLockDir() != null) {
      builder.transportOptions(TransportOptions.builder()
          .lockDirectory(properties.getLockDir()).build());
    }
    AgentMetrics sink = metrics.getIfUnique();
    if (sink != null) {
      builder.metrics(sink);
    }
    if (properties.isDiscover() && properties.getSocketDir() == null) {
      throw new IllegalStateException("quantix.agent.discover=true needs quantix.agent.socket-dir");
    }
    AgentRegistry registry = builder.build();
    try {
      bindings.orderedStream().forEach(b -> b.bind(registry));
      if (properties.isDiscover()) {
        registry.discover(properties.getSocketDir());
      }
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** The resolver the properties name. */
  static EndpointResolver resolverOf(QuantixAgentProperties properties) {
    ResolverKind kind = properties.getResolver();
    if (kind == null) {
      kind = properties.getSocketDir() != null ? ResolverKind.DIRECTORY : ResolverKind.STANDARD;
    }
    switch (kind) {
      case QUANTIX:
        return EndpointResolver.quantixDefaults();
      case LIBVIRT:
        return EndpointResolver.libvirt();
      case DIRECTORY:
        if (properties.getSocketDir() == null) {
          throw new IllegalStateException(
              "quantix.agent.resolver=DIRECTORY needs quantix.agent.socket-dir");
        }
        return EndpointResolver.directory(properties.getSocketDir());
      default:
        return EndpointResolver.standard();
    }
  }

  /**
   * Something that must see the registry once it is built (the Micrometer binding registers its
   * gauges this way); beans of this type are called in order.
   */
  @FunctionalInterface
  public interface RegistryBinding {
    /** Called once, right after the registry is built. */
    void bind(AgentRegistry registry);
  }
}
