package io.quantix.agent.registry;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.internal.AgentClientImpl;
import io.quantix.agent.client.internal.LinkConfig;
import io.quantix.agent.client.internal.VmLink;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.TransportOptions;
import io.quantix.agent.transport.Transports;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The only way to open an agent channel: one session per VM, shared by every caller, kept up by a
 * reconnect loop, with its status answered from cached state. Concurrent first calls for a VM share
 * one connect; {@link #close()} stops every loop and leaves no thread behind.
 *
 * <pre>{@code
 * try (AgentRegistry agents = AgentRegistry.builder()
 *         .resolver(EndpointResolver.quantixDefaults())
 *         .build()) {
 *   AgentClient vm = agents.client("vm-42");      // shared; opens nothing twice
 *   AgentStatus s = agents.status("vm-42");       // cached, no I/O
 *   vm.exec(Exec.shell("uname -a")).join();
 * }
 * }</pre>
 */
public final class AgentRegistry implements AutoCloseable {
  private final ConcurrentHashMap<String, VmLink> links = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<StatusListener> statusListeners = new CopyOnWriteArrayList<>();
  private final EndpointResolver resolver;
  private final LinkConfig config;
  private final CallOptions defaultOptions;
  private final EventLoops ownedLoops;
  private final List<ExecutorService> ownedExecutors;
  private volatile boolean closed;

  private AgentRegistry(Builder b) {
    this.resolver = b.resolver;
    this.defaultOptions = b.defaultOptions;
    List<ExecutorService> owned = new ArrayList<>();
    EventLoops loops = b.eventLoops;
    this.ownedLoops = loops == null ? EventLoops.create(b.ioThreads) : null;
    if (loops == null) {
      loops = ownedLoops;
    }
    java.util.concurrent.Executor callbacks = b.callbackExecutor;
    if (callbacks == null) {
      ExecutorService e = Executors.newFixedThreadPool(b.callbackThreads,
          new DefaultThreadFactory("quantix-agent-callback", true));
      owned.add(e);
      callbacks = e;
    }
    java.util.concurrent.Executor events = b.eventExecutor;
    if (events == null) {
      ExecutorService e = Executors.newSingleThreadExecutor(
          new DefaultThreadFactory("quantix-agent-events", true));
      owned.add(e);
      events = e;
    }
    this.ownedExecutors = List.copyOf(owned);
    this.config = new LinkConfig(loops, b.transports != null ? b.transports : Transports.load(),
        b.transportOptions, callbacks, events, b.metrics, b.maxInFlight, b.maxWaiting,
        b.connectTimeout, b.readyTimeout, b.resetGrace, b.keepAliveIdle, b.keepAliveMisses,
        b.reconnectMin, b.reconnectMax, b.maxAttempts, b.breakerConfig);
  }

  /** A new builder with production defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The shared client of {@code vmId}; the first call opens the VM's session (without blocking),
   * later ones return a view of the same session.
   *
   * @throws AgentException INVALID_ARGUMENT if the resolver rejects the VM id; UNAVAILABLE once
   *     the registry is closed
   */
  public AgentClient client(String vmId) {
    return new AgentClientImpl(link(vmId), defaultOptions);
  }

  private VmLink link(String vmId) {
    if (vmId == null || vmId.isEmpty()) {
      throw AgentException.invalidArgument("VM id is null or empty");
    }
    if (closed) {
      throw AgentException.of(AgentException.Code.UNAVAILABLE, "agent registry is closed");
    }
    VmLink link = links.get(vmId);
    if (link != null) {
      return link;
    }
    boolean[] created = new boolean[1];
    link = links.computeIfAbsent(vmId, id -> {
      List<Endpoint> endpoints;
      try {
        endpoints = resolver.resolve(id);
      } catch (IllegalArgumentException e) {
        throw AgentException.invalidArgument(e.getMessage());
      }
      if (endpoints == null || endpoints.isEmpty()) {
        throw AgentException.invalidArgument("no endpoints for VM '" + id + "'");
      }
      created[0] = true;
      return new VmLink(id, endpoints, config, this::fireStatusChange);
    });
    if (created[0]) {
      link.start();
      if (closed) {
        link.close();
      }
    }
    return link;
  }

  /** The cached status of {@code vmId}: no I/O; CLOSED for a VM this registry does not hold. */
  public AgentStatus status(String vmId) {
    VmLink link = vmId == null ? null : links.get(vmId);
    if (link == null) {
      return new AgentStatus(vmId, AgentState.CLOSED, Instant.EPOCH, 0,
          closed ? "registry closed" : "not registered with this registry", null, "", null, null);
    }
    return link.status();
  }

  /** Cached status of every VM, by VM id. */
  public Map<String, AgentStatus> statuses() {
    Map<String, AgentStatus> all = new TreeMap<>();
    links.forEach((id, link) -> all.put(id, link.status()));
    return all;
  }

  /** The VM ids this registry holds. */
  public List<String> vmIds() {
    return new ArrayList<>(new TreeMap<>(links).keySet());
  }

  /** Closes the VM's session and forgets it; its status becomes CLOSED. */
  public CompletableFuture<Void> remove(String vmId) {
    VmLink link = links.remove(vmId);
    return link == null ? CompletableFuture.completedFuture(null) : link.close();
  }

  /** Listens to every status transition of every VM. */
  public Subscription addStatusListener(StatusListener listener) {
    Objects.requireNonNull(listener, "listener");
    statusListeners.add(listener);
    return () -> statusListeners.remove(listener);
  }

  private void fireStatusChange(VmLink.StatusChange change) {
    if (statusListeners.isEmpty()) {
      return;
    }
    config.eventExecutor().execute(() -> {
      for (StatusListener l : statusListeners) {
        try {
          l.onStatusChange(change.previous(), change.current());
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(AgentRegistry.class)
              .warn("status listener {} failed", l, e);
        }
      }
    });
  }

  /** Closes every session, stops every reconnect loop, and stops the threads it owns. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (String id : new ArrayList<>(links.keySet())) {
      VmLink link = links.remove(id);
      if (link != null) {
        closing.add(link.close());
      }
    }
    try {
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
          .get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      org.slf4j.LoggerFactory.getLogger(AgentRegistry.class)
          .warn("agent sessions did not all close in time", e);
    }
    for (ExecutorService e : ownedExecutors) {
      e.shutdown();
    }
    if (ownedLoops != null) {
      ownedLoops.close();
    }
    for (ExecutorService e : ownedExecutors) {
      try {
        if (!e.awaitTermination(5, TimeUnit.SECONDS)) {
          e.shutdownNow();
        }
      } catch (InterruptedException ie) {
        e.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Builder of {@link AgentRegistry}; every setting has a production default. */
  public static final class Builder {
    /** Default calls in flight per VM. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    /** Default calls waiting per VM while it connects. */
    public static final int DEFAULT_MAX_WAITING = 256;
    /** Default time for one connect attempt. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default time from connect to AgentReady or pong. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(10);
    /** Default grace for calls sent before a guest reset. */
    public static final Duration DEFAULT_RESET_GRACE = Duration.ofSeconds(2);
    /** Default silence before a keep-alive ping. */
    public static final Duration DEFAULT_KEEPALIVE_IDLE = Duration.ofSeconds(30);
    /** Default missed keep-alives before a session is silent. */
    public static final int DEFAULT_KEEPALIVE_MISSES = 3;
    /** Default first reconnect delay. */
    public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofSeconds(1);
    /** Default largest reconnect delay. */
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);
    /** Default attempts per call. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    private EndpointResolver resolver = EndpointResolver.quantixDefaults();
    private EventLoops eventLoops;
    private int ioThreads = EventLoops.DEFAULT_THREADS;
    private int callbackThreads = 2;
    private java.util.concurrent.Executor callbackExecutor;
    private java.util.concurrent.Executor eventExecutor;
    private Transports transports;
    private TransportOptions transportOptions = TransportOptions.DEFAULT;
    private AgentMetrics metrics = AgentMetrics.NOOP;
    private CallOptions defaultOptions = CallOptions.DEFAULT;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxWaiting = DEFAULT_MAX_WAITING;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
    private Duration resetGrace = DEFAULT_RESET_GRACE;
    private Duration keepAliveIdle = DEFAULT_KEEPALIVE_IDLE;
    private int keepAliveMisses = DEFAULT_KEEPALIVE_MISSES;
    private Duration reconnectMin = DEFAULT_RECONNECT_MIN;
    private Duration reconnectMax = DEFAULT_RECONNECT_MAX;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
        .slidingWindowSize(20).minimumNumberOfCalls(10).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(5)).permittedNumberOfCallsInHalfOpenState(3)
        .build();

    private Builder() {}

    /** How VM ids map to endpoints (default: the Quantix socket layout). */
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
      this.ioThreads = positive(threads, "ioThreads");
      return this;
    }

    /** Completes call futures; default: two daemon threads owned by the registry. */
    public Builder callbackExecutor(java.util.concurrent.Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Threads of the default callback executor (default 2). */
    public Builder callbackThreads(int threads) {
      this.callbackThreads = positive(threads, "callbackThreads");
      return this;
    }

    /** Delivers events and status changes; default: one daemon thread owned by the registry. */
    public Builder eventExecutor(java.util.concurrent.Executor executor) {
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

    /** Options of clients handed out (default: 30 s per call, safe retries). */
    public Builder defaultCallOptions(CallOptions options) {
      this.defaultOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Calls in flight per VM before RESOURCE_EXHAUSTED (default 1,024). */
    public Builder maxInFlight(int calls) {
      this.maxInFlight = positive(calls, "maxInFlight");
      return this;
    }

    /** Calls waiting for a session per VM before UNAVAILABLE (default 256). */
    public Builder maxWaiting(int calls) {
      this.maxWaiting = positive(calls, "maxWaiting");
      return this;
    }

    /** One connect attempt over all endpoints (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** From connect to AgentReady or pong before AGENT_SILENT (default 10 s). */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = positive(timeout, "readyTimeout");
      return this;
    }

    /** Grace for calls sent before a guest reset (default 2 s). */
    public Builder resetGrace(Duration grace) {
      this.resetGrace = positive(grace, "resetGrace");
      return this;
    }

    /** Silence before a keep-alive ping, and how many may go unanswered in a row. */
    public Builder keepAlive(Duration idle, int misses) {
      this.keepAliveIdle = positive(idle, "keepAlive idle");
      this.keepAliveMisses = positive(misses, "keepAlive misses");
      return this;
    }

    /** Reconnect backoff bounds (default 1 s to 30 s, with jitter). */
    public Builder reconnectBackoff(Duration min, Duration max) {
      positive(min, "reconnect min");
      positive(max, "reconnect max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("reconnect max " + max + " < min " + min);
      }
      this.reconnectMin = min;
      this.reconnectMax = max;
      return this;
    }

    /** Attempts per call, the first included (default 5). */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = positive(attempts, "maxAttempts");
      return this;
    }

    /** The per-VM circuit breaker's configuration. */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      this.breakerConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The registry. */
    public AgentRegistry build() {
      return new AgentRegistry(this);
    }

    private static int positive(int v, String what) {
      if (v < 1) {
        throw new IllegalArgumentException(what + " must be >= 1: " + v);
      }
      return v;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
