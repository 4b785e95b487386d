package io.quantix.agent.spring.boot;

import io.quantix.agent.client.CallOptions;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.transport.EventLoops;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code quantix.agent.*}: how the auto-configured {@link AgentRegistry} finds and talks to the
 * agents of this host. Every setting has the SDK's default.
 *
 * <pre>{@code
 * # application.properties
 * quantix.agent.socket-dir=/var/run/quantix-kvm/vms
 * quantix.agent.discover=true
 * quantix.agent.lock-dir=/run/lock/quantix-agent
 * quantix.agent.connect-timeout=3s
 * quantix.agent.event-loop-threads=2
 * }</pre>
 */
@ConfigurationProperties(prefix = "quantix.agent")
public class QuantixAgentProperties {
  /** How VM ids map to agent channels. */
  public enum ResolverKind {
    /** The Quantix layout if its socket exists, else libvirt's channel directories. */
    STANDARD,
    /** {@code /var/run/quantix-kvm/vms/<vm-id>.agent.sock}. */
    QUANTIX,
    /** libvirt's per-domain channel directories. */
    LIBVIRT,
    /** {@code <socket-dir>/<vm-id>.agent.sock}; needs {@code socket-dir}. */
    DIRECTORY
  }

  /**
   * How VM ids map to agent channels; default: DIRECTORY when socket-dir is set, else STANDARD.
   * An EndpointResolver bean of the application wins over both.
   */
  private ResolverKind resolver;

  /** Directory holding one <vm-id>.agent.sock per VM (the DIRECTORY resolver). */
  private Path socketDir;

  /** Register every VM channel found in socket-dir at startup. */
  private boolean discover;

  /** Directory of advisory lock files, one per channel, so two processes never share one. */
  private Path lockDir;

  /** Time for one connect attempt over all of a VM's endpoints. */
  private Duration connectTimeout = AgentRegistry.Builder.DEFAULT_CONNECT_TIMEOUT;

  /** Time from connect to AgentReady or pong before a VM is AGENT_SILENT. */
  private Duration readyTimeout = AgentRegistry.Builder.DEFAULT_READY_TIMEOUT;

  /** Deadline of a call made without one. */
  private Duration callTimeout = CallOptions.DEFAULT_TIMEOUT;

  /** First reconnect delay (doubling, with jitter, up to reconnect-max). */
  private Duration reconnectMin = AgentRegistry.Builder.DEFAULT_RECONNECT_MIN;

  /** Largest reconnect delay. */
  private Duration reconnectMax = AgentRegistry.Builder.DEFAULT_RECONNECT_MAX;

  /** I/O threads driving every agent connection. */
  private int eventLoopThreads = EventLoops.DEFAULT_THREADS;

  /** Threads completing call futures. */
  private int callbackThreads = 2;

  /** Calls in flight per VM before RESOURCE_EXHAUSTED. */
  private int maxInFlight = AgentRegistry.Builder.DEFAULT_MAX_IN_FLIGHT;

  /** Connect attempts under way at once, over all VMs. */
  private int maxConcurrentConnects = AgentRegistry.Builder.DEFAULT_MAX_CONCURRENT_CONNECTS;

  private final Metrics metrics = new Metrics();
  private final Health health = new Health();

  /** {@code quantix.agent.metrics.*}. */
  public static class Metrics {
    /** Instrument the registry when a MeterRegistry or ObservationRegistry bean exists. */
    private boolean enabled = true;

    /** Tag call metrics with the VM id too: one series per VM; for hosts with a few VMs only. */
    private boolean vmIdTag;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isVmIdTag() {
      return vmIdTag;
    }

    public void setVmIdTag(boolean vmIdTag) {
      this.vmIdTag = vmIdTag;
    }
  }

  /** {@code quantix.agent.health.*}. */
  public static class Health {
    /** Contribute the quantixAgent health indicator (with Spring Boot Actuator). */
    private boolean enabled = true;

    /**
     * Share of registered VMs that must be connected for UP (0 to 1); below it the indicator is
     * DOWN. Default 0: stopped VMs are normal on a host, so the indicator only reports.
     */
    private double minConnectedRatio;

    /** Not-connected VMs listed in the details, with their causes (the counts cover all). */
    private int maxListed = 20;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public double getMinConnectedRatio() {
      return minConnectedRatio;
    }

    public void setMinConnectedRatio(double minConnectedRatio) {
      this.minConnectedRatio = minConnectedRatio;
    }

    public int getMaxListed() {
      return maxListed;
    }

    public void setMaxListed(int maxListed) {
      this.maxListed = maxListed;
    }
  }

  public ResolverKind getResolver() {
    return resolver;
  }

  public void setResolver(ResolverKind resolver) {
    this.resolver = resolver;
  }

  public Path getSocketDir() {
    return socketDir;
  }

  public void setSocketDir(Path socketDir) {
    this.socketDir = socketDir;
  }

  public boolean isDiscover() {
    return discover;
  }

  public void setDiscover(boolean discover) {
    this.discover = discover;
  }

  public Path getLockDir() {
    return lockDir;
  }

  public void setLockDir(Path lockDir) {
    this.lockDir = lockDir;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getReadyTimeout() {
    return readyTimeout;
  }

  public void setReadyTimeout(Duration readyTimeout) {
    this.readyTimeout = readyTimeout;
  }

  public Duration getCallTimeout() {
    return callTimeout;
  }

  public void setCallTimeout(Duration callTimeout) {
    this.callTimeout = callTimeout;
  }

  public Duration getReconnectMin() {
    return reconnectMin;
  }

  public void setReconnectMin(Duration reconnectMin) {
    this.reconnectMin = reconnectMin;
  }

  public Duration getReconnectMax() {
    return reconnectMax;
  }

  public void setReconnectMax(Duration reconnectMax) {
    this.reconnectMax = reconnectMax;
  }

  public int getEventLoopThreads() {
    return eventLoopThreads;
  }

  public void setEventLoopThreads(int eventLoopThreads) {
    this.eventLoopThreads = eventLoopThreads;
  }

  public int getCallbackThreads() {
    return callbackThreads;
  }

  public void setCallbackThreads(int callbackThreads) {
    this.callbackThreads = callbackThreads;
  }

  public int getMaxInFlight() {
    return maxInFlight;
  }

  public void setMaxInFlight(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  public int getMaxConcurrentConnects() {
    return maxConcurrentConnects;
  }

  public void setMaxConcurrentConnects(int maxConcurrentConnects) {
    this.maxConcurrentConnects = maxConcurrentConnects;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Health getHealth() {
    return health;
  }
}
