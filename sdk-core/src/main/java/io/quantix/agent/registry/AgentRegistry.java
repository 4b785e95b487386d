package io.quantix.agent.registry;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.client.AuditListener;
import io.quantix.agent.client.CallGuard;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.internal.AgentClientImpl;
import io.quantix.agent.client.internal.ConnectGate;
import io.quantix.agent.client.internal.Guarding;
import io.quantix.agent.client.internal.LinkConfig;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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

  private final Core core;
  private final LeakReaper.Tracked tracked;

  private AgentRegistry(Builder b) {
    this.core = new Core(b);
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
    VmLink link = vmId == null ? null : core.links.get(vmId);
    if (link == null) {
      return new AgentStatus(vmId, AgentState.CLOSED, Instant.EPOCH, 0,
          core.closed.get() ? "registry closed" : "not registered with this registry", null, "",
          null, null);
    }
    return link.status();
  }

  /** Cached status of every VM, by VM id (sorted): no I/O. */
  public Map<String, AgentStatus> statuses() {
    Map<String, AgentStatus> all = new TreeMap<>();
    core.links.forEach((id, link) -> all.put(id, link.status()));
    return all;
  }

  /** The VM ids this registry holds, sorted. */
  public List<String> vmIds() {
    return new ArrayList<>(new TreeMap<>(core.links).keySet());
  }

  /**
   * Closes the VM's session and forgets it; its status becomes CLOSED. A later
   * {@link #client(String)} for the same VM connects only once this session's channel is closed,
   * so the single-client channel never sees two connections of this registry.
   */
  public CompletableFuture<Void> remove(String vmId) {
    return core.remove(vmId);
  }

  /** Listens to every status transition of every VM, delivered on the event executor. */
  public Subscription addStatusListener(StatusListener listener) {
    Objects.requireNonNull(listener, "listener");
    return core.hub.add(listener);
  }

  /**
   * Closes every session and stops every reconnect loop at once (no connect starts after this
   * call begins), then stops the threads the registry owns. Idempotent.
   */
  @Override
  public void close() {
    core.closedExplicitly = true;
    tracked.untrack();
    core.runOnce();
    Reference.reachabilityFence(this);
  }

  /**
   * Everything the registry owns, kept apart from the {@link AgentRegistry} object so that the
   * object can become unreachable (and its leak be reported) while links, loops and timers still
   * run: nothing here refers back to it.
   */
  private static final class Core {
    final ConcurrentHashMap<String, VmLink> links = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, CompletableFuture<Void>> closing = new ConcurrentHashMap<>();
    final AtomicBoolean closed = new AtomicBoolean();
    final EndpointResolver resolver;
    final LinkConfig config;
    final CallOptions defaultOptions;
    final StatusHub hub;
    final ConnectGate gate;
    final EventLoops ownedLoops;
    final List<ExecutorService> ownedExecutors;
    final Throwable createdAt;
    final AtomicBoolean ran = new AtomicBoolean();
    volatile boolean closedExplicitly;

    Core(Builder b) {
      this.createdAt = new Throwable("agent registry created here");
      this.resolver = b.resolver;
      this.defaultOptions = b.defaultOptions;
      List<ExecutorService> owned = new ArrayList<>();
      EventLoops loops = b.eventLoops;
      this.ownedLoops = loops == null ? EventLoops.create(b.ioThreads) : null;
      if (loops == null) {
        loops = ownedLoops;
      }
      Executor callbacks = b.callbackExecutor;
      if (callbacks == null) {
        ExecutorService e = Executors.newFixedThreadPool(b.callbackThreads,
            new DefaultThreadFactory("quantix-agent-callback", true));
        owned.add(e);
        callbacks = e;
      }
      Executor events = b.eventExecutor;
      if (events == null) {
        ExecutorService e = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("quantix-agent-events", true));
        owned.add(e);
        events = e;
      }
      this.ownedExecutors = List.copyOf(owned);
      this.hub = new StatusHub(events);
      this.gate = new ConnectGate(b.maxConcurrentConnects);
      this.config = new LinkConfig(loops, b.transports != null ? b.transports : Transports.load(),
          b.transportOptions, callbacks, events, b.metrics, b.maxInFlight, b.maxWaiting,
          b.connectTimeout, b.readyTimeout, b.resetGrace, b.keepAliveIdle, b.keepAliveMisses,
          b.reconnectMin, b.reconnectMax, b.maxAttempts, b.breakerConfig,
          Guarding.of(b.callGuard, b.auditListener));
    }

    /**
     * The VM's link, registered and started on first use; {@code fixed} pins its endpoints (from
     * discovery), null uses the registry's resolver.
     */
    VmLink link(String vmId, EndpointResolver fixed) {
      if (vmId == null || vmId.isEmpty()) {
        throw AgentException.invalidArgument("VM id is null or empty");
      }
      if (closed.get()) {
        throw AgentException.of(AgentException.Code.UNAVAILABLE, "agent registry is closed");
      }
      VmLink link = links.get(vmId);
      if (link != null) {
        return link;
      }
      EndpointResolver source = fixed != null ? fixed : resolver;
      VmLink[] created = new VmLink[1];
      link = links.computeIfAbsent(vmId, id -> {
        List<Endpoint> endpoints;
        try {
          endpoints = source.resolve(id);
        } catch (IllegalArgumentException e) {
          throw AgentException.invalidArgument(e.getMessage());
        }
        created[0] = new VmLink(id, endpoints == null ? List.of() : endpoints, source, config,
            hub, closed::get, gate);
        return created[0];
      });
      if (created[0] == link) {
        start(vmId, link);
      }
      return link;
    }

    /** Starts a new link once an earlier link of the same VM has closed its channel. */
    private void start(String vmId, VmLink link) {
      CompletableFuture<Void> previous = closing.get(vmId);
      if (previous == null) {
        link.start();
      } else {
        previous.whenComplete((v, e) -> link.start());
      }
      if (closed.get()) {
        link.close();
      }
    }

    CompletableFuture<Void> remove(String vmId) {
      if (vmId == null) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<?>[] done = new CompletableFuture<?>[1];
      links.computeIfPresent(vmId, (id, link) -> {
        CompletableFuture<Void> closed = link.close();
        closing.put(id, closed);
        closed.whenComplete((v, e) -> closing.remove(id, closed));
        done[0] = closed;
        return null;
      });
      @SuppressWarnings("unchecked")
      CompletableFuture<Void> result = done[0] == null ? CompletableFuture.completedFuture(null)
          : (CompletableFuture<Void>) done[0];
      return result;
    }

    /**
     * Closes everything, once: by {@code close()}, or by the leak reaper after the registry was
     * collected unclosed (then with a warning naming where it was created).
     */
    void runOnce() {
      if (!ran.compareAndSet(false, true)) {
        return;
      }
      if (!closedExplicitly) {
        String message = "an AgentRegistry was garbage-collected without being closed; closing it"
            + " now. It was created at:";
        log.warn(message, createdAt);
        BiConsumer<String, Throwable> observer = leakObserver;
        if (observer != null) {
          observer.accept(message, createdAt);
        }
      }
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      List<CompletableFuture<Void>> closings = new ArrayList<>();
      for (String id : new ArrayList<>(links.keySet())) {
        VmLink link = links.remove(id);
        if (link != null) {
          closings.add(link.close());
        }
      }
      closings.addAll(closing.values());
      try {
        CompletableFuture.allOf(closings.toArray(new CompletableFuture<?>[0]))
            .get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn("agent sessions did not all close in time", e);
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
      hub.clear();
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
    /** Default connect attempts under way at once, over all VMs of a registry. */
    public static final int DEFAULT_MAX_CONCURRENT_CONNECTS = 64;

    private EndpointResolver resolver = EndpointResolver.standard();
    private EventLoops eventLoops;
    private int ioThreads = EventLoops.DEFAULT_THREADS;
    private int callbackThreads = 2;
    private Executor callbackExecutor;
    private Executor eventExecutor;
    private Transports transports;
    private TransportOptions transportOptions = TransportOptions.DEFAULT;
    private AgentMetrics metrics = AgentMetrics.NOOP;
    private CallGuard callGuard;
    private AuditListener auditListener;
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
    private int maxConcurrentConnects = DEFAULT_MAX_CONCURRENT_CONNECTS;
    private CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
        .slidingWindowSize(20).minimumNumberOfCalls(10).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(5)).permittedNumberOfCallsInHalfOpenState(3)
        .build();

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
      this.ioThreads = positive(threads, "ioThreads");
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
      this.callbackThreads = positive(threads, "callbackThreads");
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

    /**
     * Connect attempts under way at once, over all VMs (default 64); the others wait their turn,
     * so that registering thousands of VMs at once does not time attempts out in the queue.
     */
    public Builder maxConcurrentConnects(int attempts) {
      this.maxConcurrentConnects = positive(attempts, "maxConcurrentConnects");
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
