package io.quantix.agent.testkit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.testkit.internal.AgentCore;
import io.quantix.agent.testkit.internal.AgentRuntime;
import io.quantix.agent.testkit.internal.AgentSettings;
import io.quantix.agent.testkit.internal.Messages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The guest agent's side of the protocol on a real Unix socket, where QEMU's virtio-serial chardev
 * would be: by default it behaves like the real agent 0.1.27 (AgentReady per connection, telemetry at
 * once and every 5 s, message ids echoed, concurrent out-of-order replies, one host at a time, every
 * request type handled in a sandbox), and it is scripted and broken on purpose like OkHttp's
 * MockWebServer: replace handlers, enqueue one-shot replies, take recorded requests, inject {@link
 * Fault}s. Thread-safe. Close it to stop its threads and remove its temporary files.
 *
 * <p>Each request is answered by the first of: a one-shot {@link ScriptedReply} ({@link #enqueue}),
 * a per-type handler ({@link #onRequest}), the {@link Dispatcher} ({@link #dispatcher}, by default
 * the built-in agent); the request's {@link Fault} then applies on the way out.
 *
 * <pre>{@code
 * try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start();
 *     AgentRegistry registry = AgentRegistry.builder()
 *         .resolver(EndpointResolver.explicit(Map.of("vm-1", List.of(Endpoint.parse(agent.endpoint())))))
 *         .build()) {
 *   agent.fault(PayloadCase.PING, Fault.delay(Duration.ofMillis(100)));
 *   registry.client("vm-1").ping().join();      // agent.endpoint() is "unix:/tmp/qx-fake-agent.../agent.sock"
 *   RecordedRequest ping = agent.takeRequest(Duration.ofSeconds(1));
 * }
 * }</pre>
 */
public final class FakeGuestAgent implements AutoCloseable {
  private final AgentCore core;
  private final AgentRuntime sharedRuntime;

  FakeGuestAgent(AgentSettings settings, AgentRuntime sharedRuntime, String label) {
    this.core = new AgentCore(settings, label);
    this.sharedRuntime = sharedRuntime;
  }

  /** A builder with the real agent's defaults. */
  public static FakeGuestAgentBuilder builder() {
    return new FakeGuestAgentBuilder();
  }

  /**
   * Starts listening (on its own small event loop and worker threads) and returns this agent.
   *
   * @throws UncheckedIOException if the socket cannot be bound
   * @throws IllegalStateException if already started
   */
  public FakeGuestAgent start() {
    try {
      ChannelFuture bound = startAsync();
      bound.awaitUninterruptibly();
      if (!bound.isSuccess()) {
        close();
        throw new UncheckedIOException(new IOException("cannot listen on " + core.socketPath(), bound.cause()));
      }
      return this;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
  }

  ChannelFuture startAsync() throws IOException {
    AgentSettings s = core.settings();
    AgentRuntime runtime = sharedRuntime != null
        ? sharedRuntime : AgentRuntime.create(1, s.workerThreads(), s.preferNative(), "fake-agent");
    return core.startAsync(runtime, sharedRuntime == null);
  }

  /** The absolute path of the listening socket (known after {@link #start()}). */
  public Path socketPath() {
    return core.socketPath();
  }

  /** The endpoint URI a host connects to: {@code "unix:" + socketPath()}. */
  public String endpoint() {
    return "unix:" + core.socketPath();
  }

  /** The seed of every random choice (fault draws, garbage bytes, telemetry, boot time). */
  public long seed() {
    return core.settings().seed();
  }

  /**
   * True on Netty epoll, false on the NIO domain-socket fallback.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public boolean nativeTransport() {
    AgentRuntime runtime = core.runtime();
    if (runtime == null) {
      throw new IllegalStateException("not started");
    }
    return runtime.nativeTransport();
  }

  /** Replaces the handler of one request type (null restores the built-in one). */
  public void onRequest(PayloadCase requestType, RequestHandler handler) {
    core.script().handler(requestType, handler == null ? null : request -> {
      try {
        return CompletableFuture.completedFuture(handler.handle(request));
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    });
  }

  /** Replaces the handler of one request type with an asynchronous one (null restores the built-in). */
  public void onRequestAsync(PayloadCase requestType, AsyncRequestHandler handler) {
    core.script().handler(requestType, handler);
  }

  /**
   * The built-in handler of a request type, to wrap or to call from a custom handler (usable once
   * the agent has started).
   */
  public AsyncRequestHandler defaultHandler(PayloadCase requestType) {
    return core::answerBuiltIn;
  }

  /**
   * Replaces the {@link Dispatcher} consulted for every request that no one-shot {@link
   * ScriptedReply} (with fixed messages) and no {@linkplain #onRequest per-type handler} claims;
   * {@code null} restores the built-in agent. Faults still apply to its replies.
   */
  public void dispatcher(Dispatcher dispatcher) {
    core.dispatcher(dispatcher);
  }

  /**
   * The built-in agent as a {@link Dispatcher}, for a custom dispatcher to hand requests to (usable
   * once the agent has started).
   */
  public Dispatcher defaultDispatcher() {
    return request -> core.builtInDispatcher().dispatch(request);
  }

  /** Answers the next request of {@code requestType} with {@code reply}, once. */
  public void enqueue(PayloadCase requestType, ScriptedReply reply) {
    core.script().enqueue(requestType, reply);
  }

  /** Answers the next request of any type with {@code reply}, once (type-specific ones go first). */
  public void enqueue(ScriptedReply reply) {
    core.script().enqueue(null, reply);
  }

  /**
   * Scripts the result of a command line (the command, or the command and its args joined by single
   * spaces); scripted lines are answered without running anything.
   */
  public void scriptCommand(String commandLine, ExecuteResponse result) {
    core.script().command(commandLine, result);
  }

  /** Applies {@code fault} to every reply to {@code requestType} until cleared. */
  public void fault(PayloadCase requestType, Fault fault) {
    core.script().fault(requestType, fault);
  }

  /** Applies {@code fault} to every reply (type-specific faults win) until cleared. */
  public void faultAll(Fault fault) {
    core.script().fault(null, fault);
  }

  /** Draws faults at random from the agent's seed (after scripted, per-type and all faults). */
  public void randomFaults(RandomFaults faults) {
    core.script().randomFaults(faults);
  }

  /** Clears persistent and random faults. */
  public void clearFaults() {
    core.script().clearFaults();
  }

  /**
   * The next frame received from a host, in arrival order, waiting up to {@code timeout}.
   *
   * @return the request, or null if none arrived in time
   */
  public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
    return core.script().take(timeout);
  }

  /** Frames received from hosts so far. */
  public long requestCount() {
    return core.script().received();
  }

  /**
   * Pushes an unsolicited message (telemetry, error, clipboard_changed...) to the connected host,
   * or keeps it for the next one like a virtio-serial port. An empty message_id gets a fresh UUID.
   */
  public void sendEvent(AgentMessage event) {
    core.server().emit(Messages.complete(event, null));
  }

  /** Writes raw bytes (garbage, partial frames) to the connected host, or keeps them for the next. */
  public void sendRaw(byte[] bytes) {
    core.server().emitRaw(Unpooled.copiedBuffer(bytes));
  }

  /** Sends an AgentReady in the middle of the session (what a host sees when the guest resets). */
  public void sendAgentReady() {
    core.server().emit(core.guest().agentReady());
  }

  /** A guest-side reset: every reply in flight is lost, then AgentReady. */
  public void guestReset() {
    core.guestReset();
  }

  /**
   * Restarts the simulated agent process in place, as the real agent restarts behind QEMU's
   * chardev: the host's connection stays open (nothing at the socket level shows it), replies in
   * flight are lost, a version installed by agent_update takes effect, and the new process's
   * AgentReady arrives in the middle of the session, followed at once by telemetry. With no host
   * connected, in {@linkplain FakeGuestAgentBuilder#agentReadyOnPortOpen port-open mode} that
   * AgentReady waits in the port for the next host.
   */
  public void restartAgent() {
    core.restart(false);
  }

  /**
   * {@link #restartAgent()}, with the old process killed while it was writing a frame: the host
   * first gets half a telemetry frame, then the new AgentReady (the real agent's restart "may be
   * preceded by a partial frame").
   */
  public void restartAgentMidFrame() {
    core.restart(true);
  }

  /** Closes every host connection from the guest side, as when QEMU stops; keeps listening. */
  public void dropConnections() {
    core.server().closeConnections();
  }

  /** What the guest did with requests: freezes, password resets, network changes, and more. */
  public GuestState guest() {
    return core.state();
  }

  /** The sandbox directory holding the guest's files (created now if needed). */
  public Path sandbox() {
    try {
      return core.sandboxRoot();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A snapshot of the traffic counters. */
  public FakeAgentCounters counters() {
    return core.counters().snapshot(core.server().openConnections());
  }

  /** Host connections open now (served, or waiting in the single-client backlog after accept). */
  public int openConnections() {
    return core.server().openConnections();
  }

  /** Waits until no host connection is open; false if one still is after {@code timeout}. */
  public boolean awaitNoConnections(Duration timeout) throws InterruptedException {
    return core.server().awaitOpenConnections(0, timeout);
  }

  /** Bytes kept for the next host (written while none was connected). */
  public int staleBytes() {
    return core.server().staleBytes();
  }

  /** Stops listening, closes connections, ends spawned commands and threads, removes temp files. */
  @Override
  public void close() {
    core.close();
  }

  AgentCore core() {
    return core;
  }

  /** Waits for the agent to be bound, for fleet starts. */
  static void await(ChannelFuture bound, long timeoutSeconds) throws IOException {
    if (!bound.awaitUninterruptibly(timeoutSeconds, TimeUnit.SECONDS) || !bound.isSuccess()) {
      throw new IOException("cannot listen on " + bound.channel().localAddress(), bound.cause());
    }
  }

  @Override
  public String toString() {
    return "FakeGuestAgent[" + endpoint() + ']';
  }
}
