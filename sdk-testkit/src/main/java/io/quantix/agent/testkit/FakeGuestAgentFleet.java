package io.quantix.agent.testkit;

import io.netty.channel.ChannelFuture;
import io.quantix.agent.testkit.internal.AgentRuntime;
import io.quantix.agent.testkit.internal.AgentSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Many fake agents in one process: one socket per simulated VM ({@code <dir>/<vm-id>.agent.sock}),
 * all on one small shared event-loop group and worker pool, for scale tests of a host that talks to
 * thousands of VMs. An idle agent costs a listening socket and a few KiB; state (sandbox, guest
 * state, stale buffer, recorded requests) is made only when used. Fleet defaults differ from a lone
 * agent's to stay small: no telemetry while disconnected and no request recording (turn them back
 * on with {@link Builder#agents(Consumer)}).
 *
 * <pre>{@code
 * try (FakeGuestAgentFleet fleet = FakeGuestAgentFleet.builder()
 *     .directory(Path.of("/tmp/vms")).vmCount(10_000).eventLoopThreads(2)
 *     .agents(agent -> agent.telemetryInterval(Duration.ofSeconds(5)))
 *     .start()) {
 *   String endpoint = fleet.agent("vm-00042").endpoint();
 * }
 * }</pre>
 */
public final class FakeGuestAgentFleet implements AutoCloseable {
  /** Event-loop threads of a fleet, by default. */
  public static final int DEFAULT_EVENT_LOOP_THREADS = 2;
  /** Worker threads of a fleet, by default. */
  public static final int DEFAULT_WORKER_THREADS = 4;

  private final Path directory;
  private final AgentRuntime runtime;
  private final Map<String, FakeGuestAgent> agents;

  private FakeGuestAgentFleet(Path directory, AgentRuntime runtime, Map<String, FakeGuestAgent> agents) {
    this.directory = directory;
    this.runtime = runtime;
    this.agents = Collections.unmodifiableMap(agents);
  }

  /** A builder; {@link Builder#directory(Path)} and the VMs are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The directory holding the sockets. */
  public Path directory() {
    return directory;
  }

  /** The VM ids, in creation order. */
  public List<String> vmIds() {
    return List.copyOf(agents.keySet());
  }

  /** How many agents. */
  public int size() {
    return agents.size();
  }

  /** The agent of one VM. */
  public FakeGuestAgent agent(String vmId) {
    FakeGuestAgent agent = agents.get(vmId);
    if (agent == null) {
      throw new NoSuchElementException("no fake agent for VM " + vmId);
    }
    return agent;
  }

  /** All agents, in creation order. */
  public Collection<FakeGuestAgent> agents() {
    return agents.values();
  }

  /** True on Netty epoll, false on NIO. */
  public boolean nativeTransport() {
    return runtime.nativeTransport();
  }

  /** The counters of all agents added up. */
  public FakeAgentCounters counters() {
    FakeAgentCounters sum = new FakeAgentCounters(0, 0, 0, 0, 0, 0, 0);
    for (FakeGuestAgent agent : agents.values()) {
      sum = sum.plus(agent.counters());
    }
    return sum;
  }

  /** Closes every agent, then the shared threads. */
  @Override
  public void close() {
    agents.values().forEach(FakeGuestAgent::close);
    runtime.close();
  }

  /**
   * Configures a fleet.
   *
   * <pre>{@code
   * FakeGuestAgentFleet fleet = FakeGuestAgentFleet.builder()
   *     .directory(dir).vmIds(List.of("web-1", "db-1")).seed(7)
   *     .agents(agent -> agent.telemetryInterval(Duration.ofSeconds(1)).recordLimit(100))
   *     .start();
   * }</pre>
   */
  public static final class Builder {
    private Path directory;
    private final List<String> vmIds = new ArrayList<>();
    private int eventLoopThreads = DEFAULT_EVENT_LOOP_THREADS;
    private int workerThreads = DEFAULT_WORKER_THREADS;
    private Consumer<FakeGuestAgentBuilder> customizer = agent -> { };
    private long seed = ThreadLocalRandom.current().nextLong();
    private boolean preferNative = true;

    private Builder() {}

    /** Where the sockets go (created if missing). */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory);
      return this;
    }

    /** Adds VMs {@code vm-00001} ... {@code vm-<count>} (zero-padded to five digits). */
    public Builder vmCount(int count) {
      for (int i = 1; i <= count; i++) {
        vmIds.add(String.format("vm-%05d", i));
      }
      return this;
    }

    /** Adds VMs by id (no '/' in an id). */
    public Builder vmIds(Collection<String> ids) {
      for (String id : ids) {
        if (id.isEmpty() || id.contains("/")) {
          throw new IllegalArgumentException("bad VM id '" + id + "'");
        }
        vmIds.add(id);
      }
      return this;
    }

    /** Event-loop threads shared by every agent. */
    public Builder eventLoopThreads(int threads) {
      this.eventLoopThreads = threads;
      return this;
    }

    /** Worker threads shared by every agent. */
    public Builder workerThreads(int threads) {
      this.workerThreads = threads;
      return this;
    }

    /**
     * Configures every agent (its socket path is then set by the fleet; a sandbox set here is a base
     * directory holding one sub-directory per VM).
     */
    public Builder agents(Consumer<FakeGuestAgentBuilder> customizer) {
      this.customizer = Objects.requireNonNull(customizer);
      return this;
    }

    /** Agent {@code i} (from 0) gets seed {@code seed + i}. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Use Netty epoll when available (default), or force NIO. */
    public Builder nativeTransport(boolean prefer) {
      this.preferNative = prefer;
      return this;
    }

    /**
     * Binds every socket and returns the running fleet.
     *
     * @throws UncheckedIOException if a socket cannot be bound (everything started is closed)
     */
    public FakeGuestAgentFleet start() {
      if (directory == null || vmIds.isEmpty()) {
        throw new IllegalStateException("a fleet needs a directory and at least one VM");
      }
      FakeGuestAgentBuilder template = FakeGuestAgent.builder().telemetryWhileDisconnected(false).recordLimit(0);
      customizer.accept(template);
      AgentSettings base = template.settings();
      AgentRuntime runtime = AgentRuntime.create(eventLoopThreads, workerThreads, preferNative, "fake-fleet");
      Map<String, FakeGuestAgent> agents = new LinkedHashMap<>();
      try {
        Files.createDirectories(directory);
        Path dir = directory.toAbsolutePath();
        List<ChannelFuture> bindings = new ArrayList<>(vmIds.size());
        for (int i = 0; i < vmIds.size(); i++) {
          String id = vmIds.get(i);
          AgentSettings settings = base.forFleetMember(dir.resolve(id + ".agent.sock"),
              base.sandbox() == null ? null : base.sandbox().resolve(id), seed + i);
          FakeGuestAgent agent = new FakeGuestAgent(settings, runtime, id);
          if (agents.put(id, agent) != null) {
            throw new IllegalArgumentException("VM id " + id + " given twice");
          }
          bindings.add(agent.startAsync());
        }
        long timeout = Math.max(10, Duration.ofMillis(5L * vmIds.size()).toSeconds());
        for (ChannelFuture binding : bindings) {
          FakeGuestAgent.await(binding, timeout);
        }
        return new FakeGuestAgentFleet(dir, runtime, agents);
      } catch (IOException | RuntimeException e) {
        agents.values().forEach(FakeGuestAgent::close);
        runtime.close();
        throw e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
      }
    }
  }
}
