package io.quantix.agent.testkit;

/**
 * A snapshot of a fake agent's traffic counters.
 *
 * <pre>{@code
 * FakeAgentCounters counters = agent.counters();
 * assertThat(counters.framesReceived()).isEqualTo(3);
 * }</pre>
 *
 * @param connectionsAccepted host connections served since start (one waiting in the single-client
 *     backlog is not counted until it is served)
 * @param openConnections host connections open now, served or waiting
 * @param framesReceived good frames decoded from hosts
 * @param bytesReceived bytes read from hosts, garbage included
 * @param framesSent whole frames written to hosts (replies, events, AgentReady, telemetry)
 * @param bytesSent bytes written to hosts, injected garbage and stale bytes included
 * @param framesDropped host frames the agent's decoder dropped (bad length, unparsable, no payload)
 */
public record FakeAgentCounters(
    long connectionsAccepted,
    int openConnections,
    long framesReceived,
    long bytesReceived,
    long framesSent,
    long bytesSent,
    long framesDropped) {

  /** The sum of two snapshots (open connections added too), for fleets. */
  public FakeAgentCounters plus(FakeAgentCounters other) {
    return new FakeAgentCounters(
        connectionsAccepted + other.connectionsAccepted,
        openConnections + other.openConnections,
        framesReceived + other.framesReceived,
        bytesReceived + other.bytesReceived,
        framesSent + other.framesSent,
        bytesSent + other.bytesSent,
        framesDropped + other.framesDropped);
  }
}
