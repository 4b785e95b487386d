package io.quantix.agent.client.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.Deadline;
import io.quantix.agent.Ticker;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.GetCapabilitiesRequest;
import io.quantix.agent.proto.GetCapabilitiesResponse;
import io.quantix.agent.proto.PingRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.Transports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The session pipeline and probes of a link: what every new channel gets (flush consolidation,
 * framing, keep-alive, a fresh {@link SessionHandler}) and the internal pings that prove an agent
 * answers (readiness and keep-alive). Confined to the link's event loop.
 */
final class SessionPipeline {
  private final SessionOwner owner;
  private final CallRouter calls;
  private final LinkConfig config;
  private final EventLoop loop;
  private final Ticker ticker;
  private final Consumer<Call<?>> probeExpired = this::probeExpired;

  SessionPipeline(SessionOwner owner, CallRouter calls, LinkConfig config, EventLoop loop,
      Ticker ticker) {
    this.owner = owner;
    this.calls = calls;
    this.config = config;
    this.loop = loop;
    this.ticker = ticker;
  }

  /**
   * The initializer of a new channel; {@code adopt} sees the new session and answers false when the
   * link no longer wants it (closed meanwhile): the channel is closed then.
   */
  ChannelInitializer<Channel> initializer(Predicate<SessionHandler> adopt) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        SessionHandler handler = install(ch);
        if (!adopt.test(handler)) {
          ch.close();
        }
      }
    };
  }

  /** Installs the session's handlers on {@code ch} and returns its session handler. */
  SessionHandler install(Channel ch) {
    Endpoint endpoint = ch.attr(Transports.ENDPOINT).get();
    FrameFormat format = endpoint == null ? FrameFormat.MAGIC : endpoint.framing();
    FrameDecoder decoder = new FrameDecoder(format);
    SessionHandler handler = new SessionHandler(owner, calls, decoder);
    long idle = config.keepAliveIdle().toNanos();
    // Calls submitted while the loop is busy go out with one write syscall, not one each.
    ch.pipeline().addLast("flush", new FlushConsolidationHandler(
            FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
        .addLast("framing", decoder)
        .addLast("keepalive", new ReaderIdleTimer(config.timers(), idle))
        .addLast("session", handler);
    return handler;
  }

  /**
   * Proves a new session's agent answers: a probe now, and {@code onTimeout} after the ready
   * timeout (the caller cancels the returned timer once the session is ready).
   */
  ScheduledFuture<?> probeReadiness(SessionHandler handler, Runnable onTimeout) {
    ScheduledFuture<?> timer = loop.schedule(onTimeout, config.readyTimeout().toNanos(),
        TimeUnit.NANOSECONDS);
    sendProbe(handler);
    return timer;
  }

  /** Sends an internal ping that proves the agent answers (readiness and keep-alive). */
  void sendProbe(SessionHandler handler) {
    if (!handler.isOpen()) {
      return;
    }
    Duration probeTimeout = config.keepAliveIdle().compareTo(config.readyTimeout()) < 0
        ? config.readyTimeout() : config.keepAliveIdle();
    // One sequence space with callers' pings: every ping on the wire has its own number.
    handler.send(internalCall(Operation.PING, AgentMessage.newBuilder()
        .setPing(PingRequest.newBuilder().setSequence(PingSequence.next())).build(), probeTimeout));
  }

  /**
   * Asks the agent for its capabilities (an internal call on {@code handler}, not retried);
   * {@code onReply} runs on the loop with the answer; a failure is left to the next session.
   */
  void fetchCapabilities(SessionHandler handler, Consumer<GetCapabilitiesResponse> onReply) {
    Call<AgentMessage> ask = internalCall(Operation.GET_CAPABILITIES, AgentMessage.newBuilder()
        .setGetCapabilities(GetCapabilitiesRequest.getDefaultInstance()).build(),
        config.readyTimeout());
    ask.future.thenAccept(m -> onReply.accept(m.getGetCapabilitiesResponse()));
    handler.send(ask);
  }

  private Call<AgentMessage> internalCall(Operation op, AgentMessage request, Duration timeout) {
    Call<AgentMessage> call = new Call<>(op, request, Deadline.after(timeout, ticker), false, null,
        false, m -> m, Runnable::run).markInternal();
    calls.deadlines().track(call, probeExpired);
    return call;
  }

  private void probeExpired(Call<?> probe) {
    calls.abandon(probe);
    probe.fail(AgentException.of(Code.DEADLINE_EXCEEDED, probe.operation.metricName()));
  }

  /** Closes the sessions' channels (each once); {@code done} completes when all are closed. */
  static void closeChannels(CompletableFuture<Void> done, SessionHandler... sessions) {
    List<Channel> open = new ArrayList<>(sessions.length);
    for (SessionHandler s : sessions) {
      Channel ch = s == null ? null : s.channel();
      if (ch != null && !open.contains(ch)) {
        open.add(ch);
      }
    }
    if (open.isEmpty()) {
      done.complete(null);
      return;
    }
    AtomicInteger left = new AtomicInteger(open.size());
    for (Channel ch : open) {
      ch.close().addListener(f -> {
        if (left.decrementAndGet() == 0) {
          done.complete(null);
        }
      });
    }
  }
}
