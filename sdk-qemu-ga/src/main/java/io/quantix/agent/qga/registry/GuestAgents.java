package io.quantix.agent.qga.registry;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaOptions;
import io.quantix.agent.qga.QgaState;
import io.quantix.agent.qga.QgaStatus;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.transport.EventLoops;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Both agent channels of every VM: the core {@link AgentRegistry} for the Quantix agent, and one
 * shared qemu-ga session per VM (never two: QEMU's chardev serves one client), found through a
 * qemu-ga resolver. {@link #status} answers the dashboard's question from cached state only.
 *
 * <pre>{@code
 * try (AgentRegistry registry = AgentRegistry.builder().resolver(EndpointResolver.standard()).build();
 *      GuestAgents agents = GuestAgents.builder(registry).build()) {
 *   agents.watch("vm-42");                            // starts both sessions, returns at once
 *   VmAgentStatus s = agents.status("vm-42");         // no I/O
 *   if (s.presence() == AgentPresence.QGA_ONLY) {
 *     agents.qga("vm-42").exec(QgaExec.shell("uname -m")).join();
 *   }
 * }
 * }</pre>
 */
public final class GuestAgents implements AutoCloseable {
  private static final QgaStatus NOT_ASKED = new QgaStatus(QgaState.IDLE, Instant.EPOCH,
      "qemu-ga not asked yet", null, null);

  private final AgentRegistry registry;
  private final EndpointResolver qgaResolver;
  private final QgaOptions options;
  private final EventLoops loops;
  private final ExecutorService callbacks;
  private final Map<String, QgaClient> sessions = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private GuestAgents(Builder b) {
    this.registry = b.registry;
    this.qgaResolver = b.qgaResolver;
    this.options = b.options;
    this.loops = EventLoops.create(b.ioThreads);
    this.callbacks = Executors.newFixedThreadPool(b.callbackThreads, r -> {
      Thread t = new Thread(r, "quantix-qga-callbacks");
      t.setDaemon(true);
      return t;
    });
  }

  /** A builder over {@code registry} (which the caller keeps and closes). */
  public static Builder builder(AgentRegistry registry) {
    return new Builder(registry);
  }

  /** The core registry this composes (for status listeners and readiness waits). */
  public AgentRegistry registry() {
    return registry;
  }

  /** The Quantix agent's shared client (the core registry's). */
  public AgentClient agent(String vmId) {
    return registry.client(vmId);
  }

  /**
   * The VM's shared qemu-ga client: one session per VM, created on first use; its channel is
   * resolved again at every connect. Closing the returned client has no effect; {@link #close()}
   * closes every session.
   *
   * @throws AgentException UNAVAILABLE once closed; INVALID_ARGUMENT for a VM id the resolver
   *     rejects
   */
  public QgaClient qga(String vmId) {
    if (closed.get()) {
      throw AgentException.of(AgentException.Code.UNAVAILABLE, "GuestAgents is closed");
    }
    try {
      qgaResolver.resolve(vmId);
    } catch (IllegalArgumentException e) {
      throw AgentException.invalidArgument(e.getMessage());
    }
    return sessions.computeIfAbsent(vmId, id -> QgaClient.builder()
        .resolvedEndpoints(() -> qgaResolver.resolve(id)).label(id).options(options)
        .eventLoops(loops).callbackExecutor(callbacks).build()).withoutClose();
  }

  /**
   * Starts both sessions of {@code vmId} without waiting: the registry's, and a qemu-ga ping so
   * its status is known. Failures land in {@link #status}, never here.
   */
  public void watch(String vmId) {
    registry.client(vmId);
    qga(vmId).ping().exceptionally(e -> null);
  }

  /** Both channels' cached status and the verdict; no I/O. */
  public VmAgentStatus status(String vmId) {
    AgentStatus quantix = registry.status(vmId);
    QgaClient q = vmId == null ? null : sessions.get(vmId);
    QgaStatus qga = q == null ? NOT_ASKED : q.status();
    return new VmAgentStatus(vmId, VmAgentStatus.presence(quantix, qga), quantix, qga);
  }

  /** Every watched VM's status, by VM id (sorted); no I/O. */
  public Map<String, VmAgentStatus> statuses() {
    Map<String, VmAgentStatus> all = new TreeMap<>();
    for (String id : registry.vmIds()) {
      all.put(id, status(id));
    }
    for (String id : List.copyOf(sessions.keySet())) {
      all.computeIfAbsent(id, this::status);
    }
    return all;
  }

  /** Closes every qemu-ga session (each reads what it is owed first), then its threads. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sessions.values().forEach(QgaClient::close);
    sessions.clear();
    callbacks.shutdown();
    loops.close();
  }

  /** Builder of {@link GuestAgents}. */
  public static final class Builder {
    /** I/O threads of the qemu-ga sessions by default. */
    public static final int DEFAULT_IO_THREADS = 1;
    /** Callback threads by default. */
    public static final int DEFAULT_CALLBACK_THREADS = 2;
    private final AgentRegistry registry;
    private EndpointResolver qgaResolver = QgaResolvers.standard();
    private QgaOptions options = QgaOptions.DEFAULT;
    private int ioThreads = DEFAULT_IO_THREADS;
    private int callbackThreads = DEFAULT_CALLBACK_THREADS;

    private Builder(AgentRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Where each VM's qemu-ga channel is; {@link QgaResolvers#standard()} by default. */
    public Builder qgaResolver(EndpointResolver resolver) {
      this.qgaResolver = Objects.requireNonNull(resolver, "qgaResolver");
      return this;
    }

    /** Options of every qemu-ga session. */
    public Builder qgaOptions(QgaOptions qgaOptions) {
      this.options = Objects.requireNonNull(qgaOptions, "qgaOptions");
      return this;
    }

    /** I/O threads of the qemu-ga sessions (at least 1). */
    public Builder ioThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("ioThreads must be >= 1: " + threads);
      }
      this.ioThreads = threads;
      return this;
    }

    /** Callback threads (at least 1). */
    public Builder callbackThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("callbackThreads must be >= 1: " + threads);
      }
      this.callbackThreads = threads;
      return this;
    }

    /** The instance. */
    public GuestAgents build() {
      return new GuestAgents(this);
    }
  }
}
