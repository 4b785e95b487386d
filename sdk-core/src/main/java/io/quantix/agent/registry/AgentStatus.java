package io.quantix.agent.registry;

import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A VM's agent status from cached state only: answering it never does I/O.
 *
 * <pre>{@code
 * AgentStatus s = registry.status("vm-42");
 * System.out.printf("%s %s since %s%n", s.vmId(), s.state(), s.since());
 * s.telemetry().ifPresent(t -> System.out.println("telemetry " + t.age() + " old"));
 * }</pre>
 *
 * @param vmId the VM
 * @param state the state
 * @param since when the state was entered
 * @param attempt connect attempts since the last ready session (0 when connected)
 * @param detail a sentence for people: the cause, the path looked for, the last error
 * @param failure the last connect classification, when the state is a failure
 * @param endpoint the endpoint of the live or last session, or empty
 * @param info the last AgentReady of this VM, if any
 * @param lastTelemetry the last telemetry report, if any
 */
public record AgentStatus(String vmId, AgentState state, Instant since, int attempt, String detail,
    ConnectFailure failure, String endpoint, AgentInfo info, Telemetry lastTelemetry) {

  /** The last AgentReady data. */
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

  /** Whether calls can be served now. */
  public boolean isConnected() {
    return state == AgentState.CONNECTED;
  }
}
