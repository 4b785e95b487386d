package io.quantix.agent.registry;

import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.AuditListener;
import io.quantix.agent.client.CallGuard;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.internal.AgentClientImpl;
import io.quantix.agent.client.internal.VmLink;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.TransportOptions;
import io.quantix.agent.transport.Transports;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way to open an agent channel: one session per VM, shared by every caller, kept up by a
 * reconnect loop, with its status answered from cached state. Concurrent first calls for a VM share
 * one connect; {@link #close()} stops every loop and leaves no thread behind. A registry that is
 * garbage-collected without being closed logs a warning with the stack that created it, then
 * closes itself (a daemon thread, {@code quantix-agent-leak-reaper}, watches for that while any
 * registry is open).
 *
 * <pre>{@code
 * try (AgentRegistry agents = AgentRegistry.builder()
 *         .resolver(EndpointResolver.standard())
 *         .build()) {
 *   AgentClient vm = agents.client("vm-42");      // shared; opens nothing twice
 *   AgentStatus s = agents.status("vm-42");       // cached, no I/O
 *   vm.exec(Exec.shell("uname -a")).join();
 * }
 * }</pre>
 */
public final class AgentRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRegistry.class);

  /** Test hook: told of every leak report (message, creation stack) after it was logged. */
  static volatile BiConsumer<String, Throwable> leakObserver;

  private final RegistryCore core;
  private final LeakReaper.Tracked tracked;

  private AgentRegistry(Builder b) {
    this.core = new RegistryCore(b);
    this.tracked = LeakReaper.track(this, core::runOnce);
  }

  /** A new builder with production defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The shared client of {@code vmId}; the first call registers the VM and starts its session
   * (without blocking), later ones return a view of the same session. Many threads asking at once
   * share one connect.
   *
   * @throws AgentException INVALID_ARGUMENT if the resolver rejects the VM id; UNAVAILABLE once
   *     the registry is closed
   */
  public AgentClient client(String vmId) {
    try {
      return new AgentClientImpl(core.link(vmId, null), core.defaultOptions);
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /**
   * Registers every VM channel found in {@code dir} (files named {@code <vm-id>.agent.sock}, see
   * {@link EndpointResolver#discover(Path)}) with the endpoint found there, and starts their
   * sessions; VMs already registered keep theirs.
   *
   * @return the VM ids found, sorted
   * @throws UncheckedIOException if the directory cannot be listed
   * @throws AgentException UNAVAILABLE once the registry is closed
   */
  public List<String> discover(Path dir) {
    try {
      Map<String, Endpoint> found = EndpointResolver.discover(dir);
      for (Map.Entry<String, Endpoint> e : found.entrySet()) {
        List<Endpoint> endpoints = List.of(e.getValue());
        core.link(e.getKey(), id -> endpoints);
      }
      return List.copyOf(found.keySet());
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /** The cached status of {@code vmId}: no I/O; CLOSED for a VM this registry does not hold. */
  public AgentStatus status(String vmId) {
    VmLink link = core.links.get(vmId);
    if (link == null) {
      return AgentStatus.builder(vmId, AgentState.CLOSED).since(Instant.EPOCH)
          .detail(core.links.isClosed() ? "registry closed" : "not registered with this registry")
          .build();
    }
    return link.status();
  }

  /** Cached status of every VM, by VM id (sorted): no I/O. */
  public Map<String, AgentStatus> statuses() {
    Map<String, AgentStatus> all = new TreeMap<>();
    core.links.forEach((id, link) -> all.put(id, link.status()));
    return all;
  }

  /** Counts by state and the VMs not connected, with their causes, from cached state: no I/O. */
  public HealthReport health() {
    return HealthReport.of(statuses().values());
  }

  /** The VM ids this registry holds, sorted. */
  public List<String> vmIds() {
    return new ArrayList<>(core.links.snapshot().keySet());
  }

  /**
   * Closes the VM's session and forgets it; its status becomes CLOSED. A later
   * {@link #client(String)} for the same VM connects only once this session's channel is closed,
   * so the single-client channel never sees two connections of this registry.
   */
  public CompletableFuture<Void> remove(String vmId) {
    return core.links.remove(vmId);
  }

  /** Listens to every status transition of every VM, delivered on the event executor. */
  public Subscription addStatusListener(StatusListener listener) {
    Objects.requireNonNull(listener, "listener");
    return core.hub.add(listener);
  }

  /**
   * Closes every session and stops every reconnect loop at once (no connect starts after this
   * call begins), then stops the threads the registry owns. Idempotent.
   *
   * <p>The shutdown contract: every call pending at close, issued during it, or issued on one of
   * this registry's clients after it, completes promptly with {@code AgentException(UNAVAILABLE)}
   * whose message says the registry is closed; {@code mayHaveRun()} is true only for a request
   * that had been written to the agent. No public method throws for the closed registry (calls
   * return failed futures; {@link #client(String)} and {@link #discover(Path)} throw the typed
   * UNAVAILABLE they document). In-flight slots and circuit-breaker permits are released on every
   * path, and failures caused by the close never open a breaker. The order: (1) each VM fails its
   * calls on its I/O loop and closes its channel, (2) its timer thread ({@code quantix-agent-timer},
   * where call deadlines and keep-alive checks wait so that the I/O loops hold no timer) and its own
   * I/O loops stop, (3) its
   * callback and event threads stop, after running what they were given; a completion handed to a
   * stopped executor runs on the handing thread instead of being lost.
   *
   * <p>Bounded: it returns within about 15 s even when an agent is silent or a listener blocks —
   * at most 5 s for the sessions' channels to close, 1 s for the timer thread, at most 5 s (Netty's
   * own bound) for the I/O threads, and at most 5 s for the callback and event threads, after which a task still running
   * (a blocked listener) is interrupted. Without blocked listeners it takes milliseconds.
   */
  @Override
  public void close() {
    core.closedExplicitly = true;
    tracked.untrack();
    core.runOnce();
    Reference.reachabilityFence(this);
  }

  /** Builder of {@link AgentRegistry}; every setting has a production default. */
  public static final class Builder {
    /** Default calls in flight per VM: {@link LinkSettings#DEFAULT_MAX_IN_FLIGHT}. */
    public static final int DEFAULT_MAX_IN_FLIGHT = LinkSettings.DEFAULT_MAX_IN_FLIGHT;
    /** Default calls waiting per VM while it connects. */
    public static final int DEFAULT_MAX_WAITING = LinkSettings.DEFAULT_MAX_WAITING;
    /** Default time for one connect attempt. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = LinkSettings.DEFAULT_CONNECT_TIMEOUT;
    /** Default time from connect to AgentReady or pong. */
    public static final Duration DEFAULT_READY_TIMEOUT = LinkSettings.DEFAULT_READY_TIMEOUT;
    /** Default grace for calls sent before a guest reset. */
    public static final Duration DEFAULT_RESET_GRACE = LinkSettings.DEFAULT_RESET_GRACE;
    /** Default silence before a keep-alive ping. */
    public static final Duration DEFAULT_KEEPALIVE_IDLE = LinkSettings.DEFAULT_KEEPALIVE_IDLE;
    /** Default missed keep-alives before a session is silent. */
    public static final int DEFAULT_KEEPALIVE_MISSES = LinkSettings.DEFAULT_KEEPALIVE_MISSES;
    /** Default first reconnect delay. */
    public static final Duration DEFAULT_RECONNECT_MIN = LinkSettings.DEFAULT_RECONNECT_MIN;
    /** Default largest reconnect delay. */
    public static final Duration DEFAULT_RECONNECT_MAX = LinkSettings.DEFAULT_RECONNECT_MAX;
    /** Default attempts per call. */
    public static final int DEFAULT_MAX_ATTEMPTS = LinkSettings.DEFAULT_MAX_ATTEMPTS;
    /** Default connect attempts under way at once, over all VMs of a registry. */
    public static final int DEFAULT_MAX_CONCURRENT_CONNECTS =
        LinkSettings.DEFAULT_MAX_CONCURRENT_CONNECTS;

    EndpointResolver resolver = EndpointResolver.standard();
    EventLoops eventLoops;
    int ioThreads = EventLoops.DEFAULT_THREADS;
    int callbackThreads = 2;
    Executor callbackExecutor;
    Executor eventExecutor;
    Transports transports;
    TransportOptions transportOptions = TransportOptions.DEFAULT;
    AgentMetrics metrics = AgentMetrics.NOOP;
    CallOptions defaultOptions = CallOptions.DEFAULT;
    private LinkSettings.Builder settings = LinkSettings.custom();
    CallGuard callGuard;
    AuditListener auditListener;

    private Builder() {}

    /** How VM ids map to endpoints (default: {@link EndpointResolver#standard()}). */
    public Builder resolver(EndpointResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Shares the caller's event loops (not closed by the registry). */
    public Builder eventLoops(EventLoops loops) {
      this.eventLoops = Objects.requireNonNull(loops, "loops");
      return this;
    }

    /** I/O threads when the registry creates its own loops (default 2). */
    public Builder ioThreads(int threads) {
      this.ioThreads = positiveCount(threads, "ioThreads");
      return this;
    }

    /**
     * Completes call futures that no thread is blocked on; default: two daemon threads owned by
     * the registry. A thread blocked in a call future's {@code join()} or {@code get()} when the
     * reply arrives completes that future itself, saving a thread hand-off; either way user code
     * never runs on an I/O thread.
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Threads of the default callback executor (default 2). */
    public Builder callbackThreads(int threads) {
      this.callbackThreads = positiveCount(threads, "callbackThreads");
      return this;
    }

    /** Delivers events and status changes; default: one daemon thread owned by the registry. */
    public Builder eventExecutor(Executor executor) {
      this.eventExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The transports (default: all found by ServiceLoader). */
    public Builder transports(Transports transports) {
      this.transports = Objects.requireNonNull(transports, "transports");
      return this;
    }

    /** Lock directory and peer checks for every connection. */
    public Builder transportOptions(TransportOptions options) {
      this.transportOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Metrics sink (default: none). */
    public Builder metrics(AgentMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Judges every operation of every VM before any I/O (default: none). One guard serves the
     * whole registry and sees the VM id in each call, so per-VM rules live in the guard (the
     * {@code quantix-agent-policy} module's {@code PolicyGuard} takes per-VM policies).
     */
    public Builder callGuard(CallGuard guard) {
      this.callGuard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** Receives one record per mutating operation of every VM (default: none). */
    public Builder auditListener(AuditListener listener) {
      this.auditListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Options of clients handed out (default: 30 s per call, safe retries). */
    public Builder defaultCallOptions(CallOptions options) {
      this.defaultOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Calls in flight per VM before RESOURCE_EXHAUSTED (default 1,024). */
    public Builder maxInFlight(int calls) {
      settings.maxInFlight(calls);
      return this;
    }

    /** Calls waiting for a session per VM before UNAVAILABLE (default 256). */
    public Builder maxWaiting(int calls) {
      settings.maxWaiting(calls);
      return this;
    }

    /** One connect attempt over all endpoints (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      settings.connectTimeout(timeout);
      return this;
    }

    /** From connect to AgentReady or pong before AGENT_SILENT (default 10 s). */
    public Builder readyTimeout(Duration timeout) {
      settings.readyTimeout(timeout);
      return this;
    }

    /** Grace for calls sent before a guest reset (default 2 s). */
    public Builder resetGrace(Duration grace) {
      settings.resetGrace(grace);
      return this;
    }

    /** Silence before a keep-alive ping, and how many may go unanswered in a row. */
    public Builder keepAlive(Duration idle, int misses) {
      settings.keepAlive(idle, misses);
      return this;
    }

    /** Reconnect backoff bounds (default 1 s to 30 s, with jitter). */
    public Builder reconnectBackoff(Duration min, Duration max) {
      settings.reconnectBackoff(min, max);
      return this;
    }

    /** Attempts per call, the first included (default 5). */
    public Builder maxAttempts(int attempts) {
      settings.maxAttempts(attempts);
      return this;
    }

    /**
     * Connect attempts under way at once, over all VMs (default 64); the others wait their turn,
     * so that registering thousands of VMs at once does not time attempts out in the queue.
     */
    public Builder maxConcurrentConnects(int attempts) {
      settings.maxConcurrentConnects(attempts);
      return this;
    }

    /** The per-VM circuit breaker's configuration. */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      settings.circuitBreaker(config);
      return this;
    }

    /**
     * The links' tuning (timeouts, backoff, keep-alive, bounds) in one immutable value; replaces
     * every tuning value set before. The single-value setters of this builder are shortcuts into
     * the same settings.
     */
    public Builder settings(LinkSettings settings) {
      this.settings = LinkSettings.from(Objects.requireNonNull(settings, "settings"));
      return this;
    }

    /** The tuning as set so far. */
    LinkSettings settings() {
      return settings.build();
    }

    /** The registry. */
    public AgentRegistry build() {
      return new AgentRegistry(this);
    }

    private static int positiveCount(int v, String what) {
      if (v < 1) {
        throw new IllegalArgumentException(what + " must be >= 1: " + v);
      }
      return v;
    }
  }
}
