package io.quantix.agent.registry;

import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * }</pre>
 *
 * @param vmId the VM
 * @param state the state
 * @param since when the state was entered (it stays while the state stays, across attempts)
 * @param attempt connect attempts since the last ready session (0 when connected)
 * @param detail a sentence for people: the cause, the path looked for, the last error
 * @param failure the last connect classification, when the state is a failure
 * @param endpoint the endpoint of the live or last session, or, after a failed attempt, the one
 *     that failed; empty if none yet
 * @param info the last AgentReady of this VM, if any
 * @param lastTelemetry the last telemetry report, if any
 */
public record AgentStatus(String vmId, AgentState state, Instant since, int attempt, String detail,
    ConnectFailure failure, String endpoint, AgentInfo info, Telemetry lastTelemetry) {

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
}
