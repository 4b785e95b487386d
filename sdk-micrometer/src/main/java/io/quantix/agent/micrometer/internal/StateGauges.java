package io.quantix.agent.micrometer.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.HealthReport;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/**
 * {@code quantix.agent.sessions{state}}: one gauge per {@link AgentState}, all read from one
 * {@link HealthReport} that is made at most once per refresh interval, so a scrape of the seven
 * gauges walks the registry's cached statuses once (10,000 VMs: a few milliseconds), not seven
 * times. The same walk prunes the session bookkeeping of VMs no longer registered. The registry is
 * held weakly: a meter registry that outlives it must not keep it reachable, or the registry's
 * leak reaper could never report one that was not closed.
 */
public final class StateGauges {
  private final WeakReference<AgentRegistry> registry;
  private final SessionMeters sessions;
  private final long refreshNanos;
  private HealthReport last;
  private long lastNanos;

  public StateGauges(AgentRegistry registry, SessionMeters sessions, Duration refresh) {
    this.registry = new WeakReference<>(registry);
    this.sessions = sessions;
    this.refreshNanos = refresh.toNanos();
  }

  /** The registry read, or null once it was garbage-collected. */
  public AgentRegistry registry() {
    return registry.get();
  }

  /** Registers the gauges. */
  public void register(MeterRegistry meters, Tags common) {
    for (AgentState state : AgentState.values()) {
      Gauge.builder("quantix.agent.sessions", () -> report().count(state))
          .tags(common).tag("state", state.name())
          .description("VMs of the registry in each agent state (cached, no I/O)")
          .register(meters);
    }
  }

  /** The report, made again once it is older than the refresh interval. */
  public synchronized HealthReport report() {
    long now = System.nanoTime();
    if (last == null || now - lastNanos >= refreshNanos) {
      AgentRegistry r = registry.get();
      last = r == null ? HealthReport.of(List.of()) : r.health();
      lastNanos = now;
      sessions.retainOnly(r == null ? new HashSet<>() : new HashSet<>(r.vmIds()));
    }
    return last;
  }
}
