package io.quantix.agent.client;

import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A VM's agent status from cached state only: answering it never does I/O. What it carries
 * depends on the state:
 *
 * <table>
 *   <caption>What each state carries</caption>
 *   <tr><th>state</th><th>carries</th></tr>
 *   <tr><td>CONNECTED</td><td>{@link #agentInfo()} (version, host name, OS, IPs, capabilities),
 *       {@link #telemetry()} and {@link #telemetryAge()}</td></tr>
 *   <tr><td>CONNECTING</td><td>{@link #since()} (when connecting began), {@link #attempt()}</td></tr>
 *   <tr><td>DISCONNECTED</td><td>{@link #detail()}: why the session ended</td></tr>
 *   <tr><td>AGENT_SILENT</td><td>{@link #detail()}: "agent not installed or not running, or
 *       channel held elsewhere"</td></tr>
 *   <tr><td>VM_NOT_RUNNING</td><td>{@link #detail()}: the last error</td></tr>
 *   <tr><td>NO_CHANNEL</td><td>{@link #channelPath()}: the path looked for</td></tr>
 *   <tr><td>CLOSED</td><td>nothing</td></tr>
 * </table>
 *
 * <pre>{@code
 * AgentStatus s = registry.status("vm-42");
 * System.out.printf("%s %s since %s%n", s.vmId(), s.state(), s.since());
 * s.telemetry().ifPresent(t -> System.out.println("telemetry " + t.age() + " old"));
 *
 * // Statuses are immutable values; tests and dashboards can make their own:
 * AgentStatus down = AgentStatus.builder("vm-7", AgentState.NO_CHANNEL).detail("no socket").build();
 * AgentStatus later = down.withAttempt(3);
 * }</pre>
 *
 * <p>The accessors: {@code vmId} the VM; {@code state}; {@code since} when the state was entered
 * (it stays while the state stays, across attempts); {@code attempt} connect attempts since the last
 * ready session (0 when connected); {@code detail} a sentence for people (the cause, the path looked
 * for, the last error); {@code failure} the last connect classification when the state is a
 * failure; {@code endpoint} the endpoint of the live or last session, or, after a failed attempt,
 * the one that failed (empty if none yet); {@code info} the last AgentReady of this VM, if any;
 * {@code lastTelemetry} the last telemetry report, if any.
 *
 */
public final class AgentStatus {
  private final String vmId;
  private final AgentState state;
  private final Instant since;
  private final int attempt;
  private final String detail;
  private final ConnectFailure failure;
  private final String endpoint;
  private final AgentInfo info;
  private final Telemetry lastTelemetry;

  private AgentStatus(Builder b) {
    this.vmId = b.vmId;
    this.state = b.state;
    this.since = b.since;
    this.attempt = b.attempt;
    this.detail = b.detail;
    this.failure = b.failure;
    this.endpoint = b.endpoint;
    this.info = b.info;
    this.lastTelemetry = b.lastTelemetry;
  }

  /** A builder for a status of {@code vmId} in {@code state}, since now, with no detail. */
  public static Builder builder(String vmId, AgentState state) {
    return new Builder(vmId, state);
  }

  /** A builder holding this status's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder(vmId, state).since(since).attempt(attempt).detail(detail).failure(failure)
        .endpoint(endpoint).info(info).lastTelemetry(lastTelemetry);
  }

  /** This status with another attempt count. */
  public AgentStatus withAttempt(int attempt) {
    return attempt == this.attempt ? this : toBuilder().attempt(attempt).build();
  }

  /** This status with another endpoint. */
  public AgentStatus withEndpoint(String endpoint) {
    return toBuilder().endpoint(endpoint).build();
  }

  /** This status with another AgentReady snapshot and telemetry (either may be null). */
  public AgentStatus withSnapshot(AgentInfo info, Telemetry lastTelemetry) {
    return info == this.info && lastTelemetry == this.lastTelemetry ? this
        : toBuilder().info(info).lastTelemetry(lastTelemetry).build();
  }

  /** The VM. */
  public String vmId() {
    return vmId;
  }

  /** The state. */
  public AgentState state() {
    return state;
  }

  /** When the state was entered; it stays while the state stays, across attempts. */
  public Instant since() {
    return since;
  }

  /** Connect attempts since the last ready session (0 when connected). */
  public int attempt() {
    return attempt;
  }

  /** A sentence for people: the cause, the path looked for, the last error. */
  public String detail() {
    return detail;
  }

  /** The last connect classification when the state is a failure, else null. */
  public ConnectFailure failure() {
    return failure;
  }

  /** The endpoint of the live or last session, or of the failed attempt; empty if none yet. */
  public String endpoint() {
    return endpoint;
  }

  /** The last AgentReady of this VM, or null; see {@link #agentInfo()}. */
  public AgentInfo info() {
    return info;
  }

  /** The last telemetry report, or null; see {@link #telemetry()}. */
  public Telemetry lastTelemetry() {
    return lastTelemetry;
  }

  /** The last AgentReady data: version, host name, OS, IPs, capabilities. */
  public Optional<AgentInfo> agentInfo() {
    return Optional.ofNullable(info);
  }

  /** The last telemetry. */
  public Optional<Telemetry> telemetry() {
    return Optional.ofNullable(lastTelemetry);
  }

  /** The age of the last telemetry, if any. */
  public Optional<Duration> telemetryAge() {
    return lastTelemetry == null ? Optional.empty() : Optional.of(lastTelemetry.age());
  }

  /** The socket file of {@link #endpoint()} (for NO_CHANNEL: the path looked for), if it has one. */
  public Optional<Path> channelPath() {
    if (endpoint == null || endpoint.isEmpty()) {
      return Optional.empty();
    }
    try {
      Endpoint e = Endpoint.parse(endpoint);
      if (e instanceof Endpoint.Unix) {
        return Optional.of(((Endpoint.Unix) e).path());
      }
      if (e instanceof Endpoint.HybridVsock) {
        return Optional.of(((Endpoint.HybridVsock) e).path());
      }
      return Optional.empty();
    } catch (IllegalArgumentException notAnEndpoint) {
      return Optional.empty();
    }
  }

  /** Whether calls can be served now. */
  public boolean isConnected() {
    return state == AgentState.CONNECTED;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof AgentStatus)) {
      return false;
    }
    AgentStatus other = (AgentStatus) o;
    return attempt == other.attempt && Objects.equals(vmId, other.vmId) && state == other.state
        && Objects.equals(since, other.since) && Objects.equals(detail, other.detail)
        && failure == other.failure && Objects.equals(endpoint, other.endpoint)
        && Objects.equals(info, other.info) && Objects.equals(lastTelemetry, other.lastTelemetry);
  }

  @Override
  public int hashCode() {
    return Objects.hash(vmId, state, since, attempt, detail, failure, endpoint, info,
        lastTelemetry);
  }

  @Override
  public String toString() {
    return "AgentStatus[vmId=" + vmId + ", state=" + state + ", since=" + since + ", attempt="
        + attempt + ", detail=" + detail + ", failure=" + failure + ", endpoint=" + endpoint
        + ", info=" + info + ", lastTelemetry=" + lastTelemetry + "]";
  }

  /**
   * Builds an {@link AgentStatus}; {@code since} defaults to now, {@code detail} and
   * {@code endpoint} to empty text.
   */
  public static final class Builder {
    private final String vmId;
    private final AgentState state;
    private Instant since = Instant.now();
    private int attempt;
    private String detail = "";
    private ConnectFailure failure;
    private String endpoint = "";
    private AgentInfo info;
    private Telemetry lastTelemetry;

    private Builder(String vmId, AgentState state) {
      this.vmId = vmId;
      this.state = Objects.requireNonNull(state, "state");
    }

    /** When the state was entered. */
    public Builder since(Instant since) {
      this.since = Objects.requireNonNull(since, "since");
      return this;
    }

    /** Connect attempts since the last ready session; not negative. */
    public Builder attempt(int attempt) {
      if (attempt < 0) {
        throw new IllegalArgumentException("attempt must be >= 0: " + attempt);
      }
      this.attempt = attempt;
      return this;
    }

    /** The sentence for people; null means empty. */
    public Builder detail(String detail) {
      this.detail = detail == null ? "" : detail;
      return this;
    }

    /** The connect classification of a failure state, or null. */
    public Builder failure(ConnectFailure failure) {
      this.failure = failure;
      return this;
    }

    /** The endpoint URI text; null means empty. */
    public Builder endpoint(String endpoint) {
      this.endpoint = endpoint == null ? "" : endpoint;
      return this;
    }

    /** The last AgentReady, or null. */
    public Builder info(AgentInfo info) {
      this.info = info;
      return this;
    }

    /** The last telemetry, or null. */
    public Builder lastTelemetry(Telemetry lastTelemetry) {
      this.lastTelemetry = lastTelemetry;
      return this;
    }

    /** The immutable status. */
    public AgentStatus build() {
      return new AgentStatus(this);
    }
  }
}
