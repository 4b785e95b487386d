package io.quantix.agent.client.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.EventLoop;
import io.quantix.agent.AgentException;
import io.quantix.agent.Ticker;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.client.GuestEvent;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.transport.Endpoint;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One VM's link to its agent, as its clients and its registry see it: a thin façade over the jobs
 * that make a link (on the lines of Lettuce's {@code StatefulConnection} over its
 * {@code DefaultEndpoint}, {@code ConnectionWatchdog} and {@code CommandHandler}):
 * <ul>
 *   <li>{@link LinkEndpoint}: at most one session at a time and what its events mean;</li>
 *   <li>{@link Reconnector}: connect, back off, resolve again;</li>
 *   <li>{@link LinkStatus}: the immutable {@link AgentStatus} and its transitions;</li>
 *   <li>{@link SessionPipeline}: the channel pipeline and the readiness/keep-alive probes;</li>
 *   <li>{@link CallRouter}: admission, dispatch, retries of the VM's calls;</li>
 *   <li>{@link LinkEvents}: telemetry, AgentReady and guest events for listeners.</li>
 * </ul>
 * All of them are confined to one event loop, the VM's "home" loop, which also drives its channel.
 */
public final class VmLink {
  private final String vmId;
  private final LinkConfig config;
  private final EventLoop loop;
  private final LinkEvents events;
  private final LinkEndpoint endpoint;
  private final CallRouter calls;
  private final BooleanSupplier disarmed;

  /** A status transition, for the registry's listeners. */
  public record StatusChange(AgentStatus previous, AgentStatus current) {}

  /**
   * A link that starts idle; {@link #start()} begins connecting.
   *
   * @param endpoints where to connect first (resolved by the caller; may be empty: not found)
   * @param resolver resolves the VM again before every later attempt (a libvirt channel directory
   *     changes with the domain id at every VM start)
   * @param disarmed true once the owner closed: no connect starts after that, on any loop
   * @param gate bounds the connect attempts under way at once, shared by the owner's links
   */
  public VmLink(String vmId, List<Endpoint> endpoints, Function<String, List<Endpoint>> resolver,
      LinkConfig config, Consumer<StatusChange> statusSink, BooleanSupplier disarmed,
      ConnectGate gate) {
    this.vmId = vmId;
    this.config = config;
    this.loop = config.eventLoops().group().next();
    this.events = new LinkEvents(vmId, config.metrics(), config.eventExecutor());
    this.endpoint = new LinkEndpoint(vmId, endpoints, resolver, config, loop, events, statusSink,
        disarmed, gate, Ticker.system());
    this.calls = endpoint.calls();
    this.disarmed = disarmed;
  }

  String vmId() {
    return vmId;
  }

  LinkConfig config() {
    return config;
  }

  /** Where this VM's calls complete: the callback executor, batched per read. */
  CompletionBatch completions() {
    return endpoint.completions();
  }

  /** The cached status: no I/O. */
  public AgentStatus status() {
    return endpoint.status();
  }

  /** The last AgentReady, if any. */
  public AgentInfo agentInfo() {
    return events.agentInfo();
  }

  /** The last telemetry, if any. */
  public Telemetry telemetry() {
    return events.telemetry();
  }

  /** The event loop that owns this link. */
  public EventLoop loop() {
    return loop;
  }

  /** Starts connecting. */
  public void start() {
    endpoint.start();
  }

  /**
   * Closes the session and stops reconnecting; calls submitted from now on fail at once, and those
   * admitted before fail on the loop before the channel closes. The future completes once the
   * channel closed.
   */
  public CompletableFuture<Void> close() {
    calls.close(disarmed.getAsBoolean());
    return endpoint.close();
  }

  Subscription onTelemetry(Consumer<? super Telemetry> listener) {
    return events.onTelemetry(listener);
  }

  Subscription onAgentReady(Consumer<? super AgentInfo> listener) {
    return events.onAgentReady(listener);
  }

  Subscription onGuestEvent(Consumer<? super GuestEvent> listener) {
    return events.onGuestEvent(listener);
  }

  /** Admits and dispatches a call; never blocks; the returned future always completes. */
  <T> CompletableFuture<T> submit(Call<T> call) {
    return calls.submit(call);
  }

  /** The circuit breaker guarding this VM's calls (made at the first call). */
  public CircuitBreaker circuitBreaker() {
    return calls.circuitBreaker();
  }

  /** The failure of calls once the link closed, or null while it is open. */
  AgentException closedCause() {
    return calls.closedCause();
  }

  /** Calls in flight. */
  public int inFlight() {
    return calls.inFlight();
  }
}
