package io.quantix.agent.testkit;

import io.quantix.agent.proto.AgentMessage;
import java.time.Instant;

/**
 * A frame the fake agent received from a host, as {@link FakeGuestAgent#takeRequest} returns it.
 *
 * <pre>{@code
 * RecordedRequest recorded = agent.takeRequest(Duration.ofSeconds(1));
 * assertThat(recorded.message().getPing().getSequence()).isEqualTo(7);
 * }</pre>
 *
 * @param message the decoded frame
 * @param sequence 1 for the agent's first received frame, then counting up
 * @param connection the host connection it came on (1 for the first served connection)
 * @param receivedAt when it was decoded
 * @param fault the fault applied to its reply ({@link Fault#none()} when none)
 */
public record RecordedRequest(
    AgentMessage message, long sequence, long connection, Instant receivedAt, Fault fault) {

  /** The request's payload type. */
  public AgentMessage.PayloadCase payloadCase() {
    return message.getPayloadCase();
  }
}
