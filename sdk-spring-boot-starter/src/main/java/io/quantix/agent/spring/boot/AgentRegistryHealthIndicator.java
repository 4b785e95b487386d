package io.quantix.agent.spring.boot;

import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.HealthReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code quantixAgent} health contributor: the registry's {@link HealthReport} (cached state,
 * no I/O) as details — VMs by state, not-connected VMs by cause, and the first not-connected VMs
 * with their state and cause. UP unless fewer than {@code min-connected-ratio} of the VMs are
 * connected (default 0: a stopped VM is normal on a host, so by default it only reports).
 *
 * <pre>{@code
 * HealthIndicator indicator = new AgentRegistryHealthIndicator(registry, 0.9, 20);
 * Health h = indicator.health();     // DOWN when fewer than 90 % of the VMs are connected
 * }</pre>
 */
public class AgentRegistryHealthIndicator implements HealthIndicator {
  private final AgentRegistry registry;
  private final double minConnectedRatio;
  private final int maxListed;

  /**
   * @param minConnectedRatio 0 to 1
   * @param maxListed not-connected VMs listed by name (the counts cover all of them)
   */
  public AgentRegistryHealthIndicator(AgentRegistry registry, double minConnectedRatio,
      int maxListed) {
    this.registry = Objects.requireNonNull(registry, "registry");
    if (!(minConnectedRatio >= 0 && minConnectedRatio <= 1)) {
      throw new IllegalArgumentException("min-connected-ratio must be within [0, 1]: "
          + minConnectedRatio);
    }
    if (maxListed < 0) {
      throw new IllegalArgumentException("max-listed must be >= 0: " + maxListed);
    }
    this.minConnectedRatio = minConnectedRatio;
    this.maxListed = maxListed;
  }

  @Override
  public Health health() {
    HealthReport report = registry.health();
    boolean up = report.total() == 0
        || report.connected() >= Math.ceil(minConnectedRatio * report.total());
    Map<String, Integer> states = new LinkedHashMap<>();
    for (Map.Entry<AgentState, Integer> e : report.countsByState().entrySet()) {
      if (e.getValue() > 0) {
        states.put(e.getKey().name(), e.getValue());
      }
    }
    Map<String, String> listed = new LinkedHashMap<>();
    for (AgentStatus s : report.notConnected()) {
      if (listed.size() >= maxListed) {
        break;
      }
      listed.put(s.vmId(), s.state() + ": " + s.detail());
    }
    Map<String, Integer> causes = new LinkedHashMap<>();
    report.countsByCause().forEach((cause, n) -> causes.put(cause.name(), n));
    return (up ? Health.up() : Health.down())
        .withDetail("total", report.total())
        .withDetail("connected", report.connected())
        .withDetail("states", states)
        .withDetail("causes", causes)
        .withDetail("notConnected", listed)
        .build();
  }
}
