package io.quantix.agent.registry;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.quantix.agent.AgentException;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.internal.Guarding;
import io.quantix.agent.client.internal.ConnectGate;
import io.quantix.agent.client.internal.LinkConfig;
import io.quantix.agent.client.internal.LinkTimers;
import io.quantix.agent.client.internal.VmLink;
import io.quantix.agent.registry.internal.LinkTable;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.Transports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Everything the registry owns, kept apart from the {@link AgentRegistry} object so that the
 * object can become unreachable (and its leak be reported) while links, loops and timers still
 * run: nothing here refers back to it.
 */
final class RegistryCore {
private static final Logger log = LoggerFactory.getLogger(AgentRegistry.class);

  final LinkTable<VmLink> links = new LinkTable<>(new LinkTable.Lifecycle<>() {
    @Override
    public void start(VmLink link) {
      link.start();
    }

    @Override
    public CompletableFuture<Void> close(VmLink link) {
      return link.close();
    }
  });
  final EndpointResolver resolver;
  final LinkConfig config;
  final CallOptions defaultOptions;
  final StatusHub hub;
  final ConnectGate gate;
  final EventLoops ownedLoops;
  final List<ExecutorService> ownedExecutors;
  final Throwable createdAt;
  final AtomicBoolean ran = new AtomicBoolean();
  /** How long close() waits for the sessions' channels to close (calls already failed by then). */
  static final Duration SESSIONS_CLOSE = Duration.ofSeconds(5);
  /** How long close() lets the callback and event threads finish what they were given. */
  static final Duration EXECUTORS_STOP = Duration.ofSeconds(5);
  volatile boolean closedExplicitly;

  RegistryCore(AgentRegistry.Builder b) {
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
    LinkSettings s = b.settings();
    this.gate = new ConnectGate(s.maxConcurrentConnects());
    this.config = new LinkConfig(loops, b.transports != null ? b.transports : Transports.load(),
        b.transportOptions, callbacks, events, b.metrics, s.maxInFlight(), s.maxWaiting(),
        s.connectTimeout(), s.readyTimeout(), s.resetGrace(), s.keepAliveIdle(),
        s.keepAliveMisses(), s.reconnectMin(), s.reconnectMax(), s.maxAttempts(),
        s.circuitBreaker(), Guarding.of(b.callGuard, b.auditListener),
        LinkTimers.newThread("quantix-agent-timer"));
  }

  /**
   * The VM's link, registered and started on first use; {@code fixed} pins its endpoints (from
   * discovery), null uses the registry's resolver.
   */
  VmLink link(String vmId, EndpointResolver fixed) {
    if (vmId == null || vmId.isEmpty()) {
      throw AgentException.invalidArgument("VM id is null or empty");
    }
    if (links.isClosed()) {
      throw AgentException.of(AgentException.Code.UNAVAILABLE, "agent registry is closed");
    }
    EndpointResolver source = fixed != null ? fixed : resolver;
    return links.getOrCreate(vmId, id -> {
      List<Endpoint> endpoints;
      try {
        endpoints = source.resolve(id);
      } catch (IllegalArgumentException e) {
        throw AgentException.invalidArgument(e.getMessage());
      }
      return new VmLink(id, endpoints == null ? List.of() : endpoints, source::resolve, config,
          hub, links::isClosed, gate);
    });
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
      BiConsumer<String, Throwable> observer = AgentRegistry.leakObserver;
      if (observer != null) {
        observer.accept(message, createdAt);
      }
    }
    if (links.isClosed()) {
      return;
    }
    // 1. Every link fails its calls on its loop (completions go to the callback executor, still
    //    running) and closes its channel; calls submitted from now on fail at once.
    List<CompletableFuture<Void>> closings = links.closeAll();
    try {
      CompletableFuture.allOf(closings.toArray(new CompletableFuture<?>[0]))
          .get(SESSIONS_CLOSE.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("agent sessions did not all close in time", e);
    }
    // 2. The timer thread and the loops: their last tasks may still hand completions to the
    //    executors. The links failed every call they held, so no deadline is left to fire.
    config.timers().close();
    if (ownedLoops != null) {
      ownedLoops.close();
    }
    // 3. The executors, last: they run what was handed to them, within one shared bound; a task
    //    still running then (a blocked listener) is interrupted. A hand-off they refuse from now on
    //    completes the future directly (CompletionBatch, CallFuture).
    for (ExecutorService e : ownedExecutors) {
      e.shutdown();
    }
    long stopBy = System.nanoTime() + EXECUTORS_STOP.toNanos();
    for (ExecutorService e : ownedExecutors) {
      try {
        long left = stopBy - System.nanoTime();
        if (left <= 0 || !e.awaitTermination(left, TimeUnit.NANOSECONDS)) {
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
