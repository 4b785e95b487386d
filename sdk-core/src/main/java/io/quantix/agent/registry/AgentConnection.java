package io.quantix.agent.registry;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.client.AgentUpdates;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.Capabilities;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.GuestDesktop;
import io.quantix.agent.client.GuestEvent;
import io.quantix.agent.client.GuestFiles;
import io.quantix.agent.client.GuestInventory;
import io.quantix.agent.client.GuestLifecycle;
import io.quantix.agent.client.GuestProcesses;
import io.quantix.agent.client.GuestServices;
import io.quantix.agent.client.GuestSnapshots;
import io.quantix.agent.client.Pong;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.transport.Endpoint;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One agent endpoint, one line: a closeable {@link AgentClient} that owns a private single-VM
 * {@link AgentRegistry}, for programs and tests that talk to one guest agent (a CLI, a test against
 * the testkit's fake agent, a script). It behaves exactly as a registry's client does — one shared
 * session, reconnects, deadlines, typed failures — and {@link #close()} closes the session and the
 * threads behind it. A service that talks to many VMs builds one {@link AgentRegistry} instead, so
 * that every VM shares the same few threads.
 *
 * <p>Opening does no I/O: the session connects in the background and the first call waits for it
 * (within its deadline). A bad endpoint fails at once with {@code INVALID_ARGUMENT}; an endpoint
 * nobody listens on fails the calls with {@code UNAVAILABLE} and the connect classification
 * ({@code NO_CHANNEL}, {@code VM_NOT_RUNNING}...). The transport of the endpoint's scheme must be on
 * the class path ({@code quantix-agent-transport-virtio} for {@code unix:}).
 *
 * <pre>{@code
 * try (AgentConnection vm = AgentConnection.open("unix:/var/run/quantix-kvm/vms/vm-42.agent.sock")) {
 *   Pong pong = vm.ping().join();
 *   ExecResult r = vm.exec(Exec.shell("uname -a")).join();
 * }
 * }</pre>
 */
public final class AgentConnection implements AgentClient, AutoCloseable {
  private final AgentRegistry registry;
  private final AgentClient client;
  private final List<Endpoint> endpoints;

  private AgentConnection(List<Endpoint> endpoints, Consumer<AgentRegistry.Builder> settings) {
    this.endpoints = endpoints;
    // The VM id names the session in logs and status; the endpoint says best which one it is.
    String vmId = endpoints.get(0).uri();
    AgentRegistry.Builder builder = AgentRegistry.builder();
    settings.accept(builder);
    this.registry = builder.resolver(EndpointResolver.explicit(Map.of(vmId, endpoints))).build();
    AgentClient opened;
    try {
      opened = registry.client(vmId);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    this.client = opened;
  }

  /**
   * Opens a connection to the agent at {@code endpoint}, a URI such as
   * {@code unix:/var/run/quantix-kvm/vms/vm-42.agent.sock}, {@code vsock://42:9443} or
   * {@code hvsock:/path/vm.vsock?port=9443}, with the registry's defaults.
   *
   * @throws AgentException INVALID_ARGUMENT if the text is not a valid endpoint (before any I/O)
   */
  public static AgentConnection open(String endpoint) {
    if (endpoint == null) {
      throw AgentException.invalidArgument("endpoint is null");
    }
    try {
      return open(Endpoint.parse(endpoint));
    } catch (IllegalArgumentException e) {
      throw AgentException.invalidArgument(e.getMessage());
    }
  }

  /** Opens a connection to the agent at {@code endpoint}, with the registry's defaults. */
  public static AgentConnection open(Endpoint endpoint) {
    if (endpoint == null) {
      throw AgentException.invalidArgument("endpoint is null");
    }
    return open(List.of(endpoint), builder -> { });
  }

  /**
   * Opens a connection to the first of {@code endpoints} that connects (auto-fallback, tried in
   * order at every reconnect), with registry settings applied by {@code settings} — timeouts,
   * backoff, executors, default call options. The resolver is this connection's own: a resolver
   * set by {@code settings} is replaced.
   *
   * @throws AgentException INVALID_ARGUMENT if {@code endpoints} is empty or holds null
   */
  public static AgentConnection open(List<Endpoint> endpoints,
      Consumer<AgentRegistry.Builder> settings) {
    if (endpoints == null || endpoints.isEmpty()
        || endpoints.stream().anyMatch(Objects::isNull)) {
      throw AgentException.invalidArgument("endpoints must name at least one endpoint, and no null: "
          + endpoints);
    }
    if (settings == null) {
      throw AgentException.invalidArgument("settings is null");
    }
    return new AgentConnection(List.copyOf(endpoints), settings);
  }

  /** The endpoints this connection uses, in the order they are tried. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /**
   * Closes the session and stops the threads this connection owns; calls still pending fail with
   * UNAVAILABLE, and later calls too. Idempotent.
   */
  @Override
  public void close() {
    registry.close();
  }

  @Override
  public String toString() {
    return "AgentConnection" + endpoints;
  }

  // Everything below is the registry client's; this class only adds ownership of the registry.

  @Override
  public String vmId() {
    return client.vmId();
  }

  @Override
  public CallOptions options() {
    return client.options();
  }

  @Override
  public AgentClient withOptions(CallOptions options) {
    return client.withOptions(options);
  }

  @Override
  public AgentStatus status() {
    return client.status();
  }

  @Override
  public CompletableFuture<Pong> ping() {
    return client.ping();
  }

  @Override
  public CompletableFuture<ExecResult> exec(Exec exec) {
    return client.exec(exec);
  }

  @Override
  public CompletableFuture<TransferResult> upload(Path local, String remotePath,
      UploadOptions options) {
    return client.upload(local, remotePath, options);
  }

  @Override
  public CompletableFuture<TransferResult> upload(InputStream data, String remotePath,
      UploadOptions options) {
    return client.upload(data, remotePath, options);
  }

  @Override
  public CompletableFuture<TransferResult> upload(byte[] data, String remotePath,
      UploadOptions options) {
    return client.upload(data, remotePath, options);
  }

  @Override
  public CompletableFuture<TransferResult> download(String remotePath, Path local,
      DownloadOptions options) {
    return client.download(remotePath, local, options);
  }

  @Override
  public CompletableFuture<TransferResult> download(String remotePath, OutputStream sink,
      DownloadOptions options) {
    return client.download(remotePath, sink, options);
  }

  @Override
  public CompletableFuture<Capabilities> capabilities() {
    return client.capabilities();
  }

  @Override
  public Optional<AgentInfo> agentInfo() {
    return client.agentInfo();
  }

  @Override
  public Optional<Telemetry> latestTelemetry() {
    return client.latestTelemetry();
  }

  @Override
  public Subscription onTelemetry(Consumer<? super Telemetry> listener) {
    return client.onTelemetry(listener);
  }

  @Override
  public Subscription onAgentReady(Consumer<? super AgentInfo> listener) {
    return client.onAgentReady(listener);
  }

  @Override
  public Subscription onGuestEvent(Consumer<? super GuestEvent> listener) {
    return client.onGuestEvent(listener);
  }

  @Override
  public GuestFiles files() {
    return client.files();
  }

  @Override
  public GuestLifecycle lifecycle() {
    return client.lifecycle();
  }

  @Override
  public GuestSnapshots snapshots() {
    return client.snapshots();
  }

  @Override
  public GuestDesktop desktop() {
    return client.desktop();
  }

  @Override
  public GuestProcesses processes() {
    return client.processes();
  }

  @Override
  public GuestServices services() {
    return client.services();
  }

  @Override
  public GuestInventory inventory() {
    return client.inventory();
  }

  @Override
  public AgentUpdates updates() {
    return client.updates();
  }
}
