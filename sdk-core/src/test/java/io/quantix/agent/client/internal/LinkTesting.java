package io.quantix.agent.client.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import io.quantix.agent.Ticker;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.PingRequest;
import io.quantix.agent.proto.TelemetryReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fakes for the link's unit tests: one {@link MockTicker} drives both the embedded channel's timers
 * and the calls' deadlines, so tests move time by hand and never sleep.
 */
final class LinkTesting {
  private LinkTesting() {}

  /** A link configuration with small, explicit values; no loops or transports (unit tests). */
  static LinkConfig config(int maxWaiting, int keepAliveMisses, int maxAttempts) {
    return new LinkConfig(null, null, null, Runnable::run, Runnable::run, new AgentMetrics() { },
        16, maxWaiting, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofSeconds(30), keepAliveMisses, Duration.ofMillis(100), Duration.ofSeconds(1),
        maxAttempts, CircuitBreakerConfig.ofDefaults(), Guarding.NONE, LinkTimers.onLoop());
  }

  /** An embedded channel whose timers run on {@code ticker}'s time. */
  static EmbeddedChannel channel(MockTicker ticker) {
    return EmbeddedChannel.builder().ticker(ticker).build();
  }

  /** The SDK's view of the same fake time. */
  static Ticker sdkTicker(MockTicker ticker) {
    return ticker::nanoTime;
  }

  /** A ping call with {@code timeout} on the fake time. */
  static Call<AgentMessage> ping(Duration timeout, MockTicker ticker) {
    return new Call<>(Operation.PING,
        AgentMessage.newBuilder().setPing(PingRequest.newBuilder().setSequence(7)).build(),
        Deadline.after(timeout, sdkTicker(ticker)), false, null, false, m -> m, Runnable::run);
  }

  /** Records what a session reports to its owner and its call outcomes. */
  static final class RecordingOwner implements SessionOwner, SessionOwner.CallOutcomes {
    final List<String> events = new ArrayList<>();
    final List<Call<?>> replied = new ArrayList<>();
    final List<AgentException> failures = new ArrayList<>();
    final List<Boolean> mayHaveRun = new ArrayList<>();
    private final int keepAliveMisses;
    private final CompletionBatch completions;

    RecordingOwner(EmbeddedChannel ch, int keepAliveMisses) {
      this.keepAliveMisses = keepAliveMisses;
      this.completions = new CompletionBatch(ch.eventLoop(), Runnable::run);
    }

    @Override
    public String vmId() {
      return "vm-test";
    }

    @Override
    public String endpointText() {
      return "unix:/test.sock";
    }

    @Override
    public AgentMetrics metrics() {
      return new AgentMetrics() { };
    }

    @Override
    public CompletionBatch completions() {
      return completions;
    }

    @Override
    public Duration resetGrace() {
      return Duration.ofSeconds(1);
    }

    @Override
    public int keepAliveMisses() {
      return keepAliveMisses;
    }

    @Override
    public void onAgentReady(SessionHandler session, AgentReadyEvent event) {
      events.add("ready " + event.getVersion());
    }

    @Override
    public void onPong(SessionHandler session, io.quantix.agent.proto.PongResponse pong,
        boolean first) {
      if (first) {
        events.add("pong before ready");
      }
    }

    @Override
    public void onTelemetry(SessionHandler session, AgentMessage report) {
      events.add("telemetry");
    }

    @Override
    public void onGuestEvent(SessionHandler session, AgentMessage message) {
      events.add("guest event");
    }

    @Override
    public void onKeepAliveLost(SessionHandler session, AgentException cause) {
      events.add("keep-alive lost");
    }

    @Override
    public void sendProbe(SessionHandler session) {
      events.add("probe");
    }

    @Override
    public void onSessionClosed(SessionHandler session, AgentException cause) {
      events.add("closed " + cause.code());
    }

    @Override
    public void onReply(Call<?> call, AgentMessage reply) {
      replied.add(call);
      call.succeed(reply);
    }

    @Override
    public void onCallFailed(Call<?> call, AgentException failure, boolean mayHaveRun) {
      failures.add(failure);
      this.mayHaveRun.add(mayHaveRun);
      call.fail(failure);
    }
  }

  /** A ready session on {@code on} handing outcomes to {@code router}; {@code link} offers it. */
  static SessionHandler attachReadySession(FakeLink link, CallRouter router, EmbeddedChannel on) {
    RecordingOwner owner = new RecordingOwner(on, 2);
    FrameDecoder decoder = new FrameDecoder(FrameFormat.MAGIC);
    SessionHandler session = new SessionHandler(owner, router, decoder);
    on.pipeline().addLast(decoder, session);
    session.markReady();
    link.ready = session;
    return session;
  }

  /** A link seen by its router: a settable session and state. */
  static final class FakeLink implements CallRouter.Link {
    SessionHandler ready;
    boolean mayWait = true;
    AgentStatus status = AgentStatus.builder("vm-test", AgentState.CONNECTING)
        .detail("connecting (attempt 1)").build();

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public SessionHandler readySession() {
      return ready;
    }

    @Override
    public boolean mayWait() {
      return mayWait;
    }

    @Override
    public AgentStatus bareStatus() {
      return status;
    }

    @Override
    public AgentException unavailableNow() {
      return AgentException.of(AgentException.Code.UNAVAILABLE, "vm-test: agent down");
    }

    @Override
    public AgentInfo agentInfo() {
      return null;
    }
  }
}
