package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quantix.agent.framing.FrameOutcome;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ErrorEvent;
import io.quantix.agent.testkit.internal.Messages;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ResourceLeakCheck.class)
class StaleDataTest {

  static AgentMessage event(String code, int padding) {
    return AgentMessage.newBuilder().setMessageId("e-" + code).setTimestamp(Messages.now()).setError(ErrorEvent.newBuilder().setCode(code)
        .setMessage("x".repeat(padding))).build();
  }

  @Test
  void framesWrittenWithNoHostReachTheNextHostBeforeAgentReady() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).build().start()) {
      agent.sendEvent(event("A", 10));
      agent.sendEvent(event("B", 10));
      assertThat(agent.staleBytes()).isGreaterThan(0);
      try (HostConnection host = HostConnection.open(agent)) {
        assertThat(host.next().getError().getCode()).isEqualTo("A");
        assertThat(host.next().getError().getCode()).isEqualTo("B");
        assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      }
      assertThat(agent.staleBytes()).isZero();
    }
  }

  @Test
  void aFullBufferCutsTheFrameThatDoesNotFitAndLosesTheRest() throws Exception {
    AgentMessage a = event("A", 20);
    AgentMessage b = event("B", 200);
    int capacity = 8 + a.getSerializedSize() + 40;
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).staleBufferBytes(capacity)
        .build().start()) {
      agent.sendEvent(a);
      agent.sendEvent(b);
      agent.sendEvent(event("C", 1));
      assertThat(agent.staleBytes()).isEqualTo(capacity);
      try (HostConnection host = HostConnection.open(agent)) {
        assertThat(host.next().getError().getCode()).isEqualTo("A");
        assertThat(host.next().getPayloadCase()).as("the host resyncs past the cut frame").isEqualTo(PayloadCase.AGENT_READY);
        assertThat(host.outcomes()).isNotEmpty();
      }
    }
  }

  @Test
  void wholeFrameModeDropsWhatDoesNotFit() throws Exception {
    AgentMessage a = event("A", 20);
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO)
        .staleBufferBytes(8 + a.getSerializedSize() + 40).staleWholeFrames(true).build().start()) {
      agent.sendEvent(a);
      agent.sendEvent(event("B", 200));
      assertThat(agent.staleBytes()).isEqualTo(8 + a.getSerializedSize());
      try (HostConnection host = HostConnection.open(agent)) {
        assertThat(host.next().getError().getCode()).isEqualTo("A");
        assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
        assertThat(host.outcomes()).isEmpty();
      }
    }
  }

  @Test
  void telemetryKeepsFlowingIntoThePortWhileNoHostIsConnected() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ofMillis(50)).build().start()) {
      // Before the first host the agent is blocked on its AgentReady write: nothing is queued.
      assertThat(agent.staleBytes()).isZero();
      try (HostConnection first = HostConnection.open(agent)) {
        assertThat(first.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> agent.staleBytes() > 1000);
      try (HostConnection host = HostConnection.open(agent)) {
        assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
        host.next(m -> m.getPayloadCase() == PayloadCase.AGENT_READY);
      }
    }
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ofMillis(50))
        .telemetryWhileDisconnected(false).build().start();
        HostConnection host = HostConnection.open(agent)) {
      assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
    }
  }

  @Test
  void aReplyFinishedAfterItsHostLeftGoesToTheNextHostFirst() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).build().start()) {
      agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.delay(Duration.ofMillis(300))));
      AgentMessage ping = HostConnection.ping(1);
      try (HostConnection first = HostConnection.open(agent)) {
        first.next();
        first.send(ping);
        agent.takeRequest(Duration.ofSeconds(2));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> agent.staleBytes() > 0);
      try (HostConnection second = HostConnection.open(agent)) {
        AgentMessage stale = second.next();
        assertThat(stale.getMessageId()).isEqualTo(ping.getMessageId());
        assertThat(second.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
        assertThat(second.outcomes()).noneMatch(o -> o instanceof FrameOutcome.FrameDropped);
      }
    }
  }
}
