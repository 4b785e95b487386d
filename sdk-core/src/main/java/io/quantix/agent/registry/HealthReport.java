package io.quantix.agent.registry;

import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A summary of a registry's cached statuses for a service's health endpoint, made without I/O:
 * how many VMs are in each {@link AgentState}, and the VMs that are not connected with their
 * causes. A stopped VM ({@code VM_NOT_RUNNING}) is normal on a host, so the report states facts
 * and leaves the verdict (up, degraded, down) to the caller.
 *
 * <pre>{@code
 * HealthReport health = registry.health();
 * System.out.printf("%d of %d agents connected%n", health.connected(), health.total());
 * for (AgentStatus s : health.notConnected()) {
 *   System.out.println(s.vmId() + " " + s.state() + ": " + s.detail());
 * }
 * }</pre>
 */
public final class HealthReport {
  private final Instant at;
  private final Map<AgentState, Integer> counts;
  private final Map<ConnectFailure, Integer> causes;
  private final List<AgentStatus> notConnected;
  private final int total;

  private HealthReport(Instant at, Map<AgentState, Integer> counts,
      Map<ConnectFailure, Integer> causes, List<AgentStatus> notConnected, int total) {
    this.at = at;
    this.counts = counts;
    this.causes = causes;
    this.notConnected = notConnected;
    this.total = total;
  }

  /** The report of {@code statuses} (typically {@link AgentRegistry#statuses()}'s values). */
  public static HealthReport of(Collection<AgentStatus> statuses) {
    Objects.requireNonNull(statuses, "statuses");
    EnumMap<AgentState, Integer> counts = new EnumMap<>(AgentState.class);
    for (AgentState state : AgentState.values()) {
      counts.put(state, 0);
    }
    EnumMap<ConnectFailure, Integer> causes = new EnumMap<>(ConnectFailure.class);
    List<AgentStatus> down = new ArrayList<>();
    int total = 0;
    for (AgentStatus s : statuses) {
      total++;
      counts.merge(s.state(), 1, Integer::sum);
      if (s.state() != AgentState.CONNECTED) {
        down.add(s);
        if (s.failure() != null) {
          causes.merge(s.failure(), 1, Integer::sum);
        }
      }
    }
    down.sort(Comparator.comparing(AgentStatus::vmId));
    return new HealthReport(Instant.now(), Collections.unmodifiableMap(counts),
        Collections.unmodifiableMap(causes), List.copyOf(down), total);
  }

  /** When the report was made. */
  public Instant at() {
    return at;
  }

  /** VMs in the report. */
  public int total() {
    return total;
  }

  /** VMs whose session is ready. */
  public int connected() {
    return count(AgentState.CONNECTED);
  }

  /** VMs in {@code state}. */
  public int count(AgentState state) {
    return counts.get(Objects.requireNonNull(state, "state"));
  }

  /** VMs by state; every state is present (zero when none). */
  public Map<AgentState, Integer> countsByState() {
    return counts;
  }

  /** Not-connected VMs by the classification of their last connect failure (when they have one). */
  public Map<ConnectFailure, Integer> countsByCause() {
    return causes;
  }

  /** The statuses of the VMs not connected, by VM id; each carries its state, cause and detail. */
  public List<AgentStatus> notConnected() {
    return notConnected;
  }

  /** Whether every VM of the report is connected (true when there are none). */
  public boolean allConnected() {
    return notConnected.isEmpty();
  }

  @Override
  public String toString() {
    return "HealthReport{" + connected() + "/" + total + " connected, " + counts + "}";
  }
}
