package io.quantix.agent.agentctl;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.Pong;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The one VM a subcommand talks to: its endpoints (a fallback list), its registry and client. */
final class Target implements AutoCloseable {
  private final String vmId;
  private final List<Endpoint> endpoints;
  private final AgentRegistry registry;
  private final AgentClient client;
  private final Duration timeout;
  private java.io.Closeable audit = () -> { };

  private Target(String vmId, List<Endpoint> endpoints, AgentRegistry registry, Duration timeout) {
    this.vmId = vmId;
    this.endpoints = endpoints;
    this.registry = registry;
    this.timeout = timeout;
    this.client = registry.client(vmId);
  }

  /**
   * Opens the VM named by the global {@code -e} options; the session starts connecting at once.
   *
   * @throws CliError a usage error when no endpoint was given or one is malformed
   */
  static Target open(Agentctl.Globals globals) {
    if (globals.endpoints().isEmpty()) {
      throw CliError.usage("no endpoint: give -e URI, for example "
          + "-e unix:/var/run/quantix-kvm/vms/vm-42.agent.sock (or try 'agentctl demo')");
    }
    List<Endpoint> eps = Endpoints.parseAll(globals.endpoints());
    String vm = Endpoints.vmId(eps.get(0));
    AgentRegistry.Builder builder = Endpoints.registry(globals.timeout(), globals.lockDir())
        .resolver(EndpointResolver.explicit(Map.of(vm, eps)));
    java.io.Closeable audit = globals.policy().applyTo(builder);
    AgentRegistry registry = builder.build();
    try {
      Target t = new Target(vm, List.copyOf(eps), registry, globals.timeout());
      t.audit = audit;
      return t;
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** The VM id (from the first endpoint). */
  String vmId() {
    return vmId;
  }

  /** The endpoints, in fallback order. */
  List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The endpoint of the live session, or the first one. */
  String endpoint() {
    String live = registry.status(vmId).endpoint();
    return live == null || live.isEmpty() ? endpoints.get(0).uri() : live;
  }

  AgentRegistry registry() {
    return registry;
  }

  /** The client with --timeout applied to each call (when given). */
  AgentClient client() {
    return timeout == null ? client : client.withTimeout(timeout);
  }

  /** The client without --timeout: exec and transfers derive their own deadlines. */
  AgentClient plainClient() {
    return client;
  }

  /** --timeout, or null. */
  Duration timeout() {
    return timeout;
  }

  AgentStatus status() {
    return registry.status(vmId);
  }

  /** Pings (which waits for the session): the round trip and the agent's version. */
  Pong ping() throws InterruptedException, ExecutionException {
    return await(client().ping());
  }

  /**
   * What the session knows about the agent: connects (a ping), then waits within the timeout until
   * its identity is complete, from AgentReady or, on a connection that gets none, from
   * GetCapabilities + pong + telemetry (which the SDK fetches after a short grace).
   */
  AgentInfo agentInfo() throws InterruptedException, ExecutionException {
    ping();
    Duration wait = timeout != null ? timeout : Duration.ofSeconds(10);
    long end = System.nanoTime() + wait.toNanos();
    while (true) {
      Optional<AgentInfo> known = client.agentInfo();
      if (known.isPresent() && known.get().source() != AgentInfo.Source.PONG) {
        return known.get();
      }
      if (System.nanoTime() - end > 0) {
        if (known.isPresent()) {
          return known.get();
        }
        throw AgentException.of(AgentException.Code.DEADLINE_EXCEEDED,
            vmId + ": the agent answered pings but its identity is still unknown");
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** Waits for a call (interruptibly); failures come out as the ExecutionException's cause. */
  static <T> T await(CompletableFuture<T> future) throws InterruptedException, ExecutionException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    }
  }

  @Override
  public void close() {
    registry.close();
    try {
      audit.close();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("closing the audit file", e);
    }
  }
}
