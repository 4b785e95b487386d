package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentInfo;
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
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.client.Pong;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.proto.GetCapabilitiesRequest;
import io.quantix.agent.proto.PingRequest;
import io.quantix.agent.proto.PongResponse;
import io.quantix.agent.client.AgentStatus;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** {@link AgentClient} over one {@link VmLink}; a cheap view that carries its call options. */
public final class AgentClientImpl implements AgentClient {
  /** Host-side margin on top of the guest's exec timeout. */
  static final Duration EXEC_MARGIN = Duration.ofSeconds(10);

  private final VmLink link;
  private final CallOptions options;

  /** A client of {@code link} with {@code options}. */
  public AgentClientImpl(VmLink link, CallOptions options) {
    this.link = link;
    this.options = options;
  }

  /** The link, for the registry and operation groups. */
  public VmLink link() {
    return link;
  }

  @Override
  public String vmId() {
    return link.vmId();
  }

  @Override
  public CallOptions options() {
    return options;
  }

  @Override
  public AgentClient withOptions(CallOptions options) {
    return new AgentClientImpl(link, Checks.notNull(options, "options"));
  }

  @Override
  public AgentStatus status() {
    return link.status();
  }

  /**
   * Sends one request and maps its reply; the building block of every operation.
   *
   * @param capability overrides the operation's gating capability (null: the operation's own)
   * @param successOnDisconnect when the session ends after the request was written, the mapper
   *     gets an empty {@code AgentMessage} instead of a failure (for shutdown and reboot)
   */
  public <T> CompletableFuture<T> call(Operation operation, AgentMessage request, Deadline deadline,
      String capability, boolean successOnDisconnect, Function<AgentMessage, T> mapper) {
    Guarding guarding = link.config().guarding();
    if (!guarding.active()) {
      return sendPart(operation, request, deadline, capability, successOnDisconnect, mapper);
    }
    return guarding.run(GuardedCalls.of(vmId(), options.principal(), request),
        () -> sendPart(operation, request, deadline, capability, successOnDisconnect, mapper), null);
  }

  /**
   * {@link #call} without the registry's guard and audit: for the requests of an operation that
   * was judged as a whole by {@link #guarded} (the chunks of an upload, download or update).
   */
  <T> CompletableFuture<T> sendPart(Operation operation, AgentMessage request, Deadline deadline,
      String capability, boolean successOnDisconnect, Function<AgentMessage, T> mapper) {
    Call<T> call = new Call<>(operation, request, deadline, options.retryMayHaveRun(),
        capability != null ? capability : operation.capability(), successOnDisconnect, mapper,
        link.completions());
    return link.submit(call);
  }

  /**
   * Starts a multi-request operation under the registry's guard and audit, judged once as the
   * call {@code describe} builds (from {@link #describe}); {@code sentBytes} reports the bytes
   * moved so far for its audit record.
   */
  <T> CompletableFuture<T> guarded(Supplier<GuardedCall> describe,
      Supplier<CompletableFuture<T>> start, LongSupplier sentBytes) {
    Guarding guarding = link.config().guarding();
    return guarding.active() ? guarding.run(describe.get(), start, sentBytes) : start.get();
  }

  /** A description of an operation on this VM by this view's principal. */
  GuardedCall.Builder describe(GuestOperation operation) {
    return GuardedCall.builder(vmId(), operation).principal(options.principal());
  }

  /** {@link #call} with this client's deadline and the operation's capability. */
  public <T> CompletableFuture<T> call(Operation operation, AgentMessage request,
      Function<AgentMessage, T> mapper) {
    return call(operation, request, options.deadlineFromNow(), null, false, mapper);
  }

  /** The deadline of a call starting now. */
  public Deadline deadline() {
    return options.deadlineFromNow();
  }

  @Override
  public CompletableFuture<Pong> ping() {
    long sequence = PingSequence.next();
    AgentMessage request = AgentMessage.newBuilder()
        .setPing(PingRequest.newBuilder().setSequence(sequence)).build();
    // The round trip is the frame's last write to its reply, not the wait for a session.
    java.util.concurrent.atomic.AtomicReference<Call<Pong>> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    Call<Pong> call = new Call<>(Operation.PING, request, options.deadlineFromNow(),
        options.retryMayHaveRun(), null, false, reply -> {
          PongResponse pong = reply.getPong();
          if (pong.getSequence() != sequence) {
            throw AgentException.of(Code.PROTOCOL, "pong echoed sequence " + pong.getSequence()
                + ", expected " + sequence);
          }
          return new Pong(sequence, pong.getVersion(), Duration.ofSeconds(pong.getUptimeSeconds()),
              Duration.ofNanos(self.get().roundTripNanos()));
        }, link.completions());
    self.set(call);
    // Judged by the registry's guard like every other request (call() does the same).
    Guarding guarding = link.config().guarding();
    if (!guarding.active()) {
      return link.submit(call);
    }
    return guarding.run(GuardedCalls.of(vmId(), options.principal(), request),
        () -> link.submit(call), null);
  }

  @Override
  public CompletableFuture<ExecResult> exec(Exec exec) {
    try {
      Checks.notNull(exec, "exec");
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    }
    ExecuteRequest.Builder b = ExecuteRequest.newBuilder()
        .setCommand(exec.wireCommand())
        .addAllArgs(exec.wireArgs())
        .putAllEnvironment(exec.environment())
        .setWorkingDirectory(exec.workingDirectory())
        .setTimeoutSeconds((int) exec.wireTimeout().toSeconds())
        .setWaitForExit(!exec.isDetached())
        .setRunAsUser(exec.user())
        .setRunAsGroup(exec.group())
        .setIncludeSupplementaryGroups(exec.supplementaryGroups())
        .setMaxOutputBytes(exec.maxOutputBytes());
    Deadline deadline = options.hasExplicitDeadline() ? options.deadlineFromNow()
        : Deadline.after(exec.isDetached() ? CallOptions.DEFAULT_TIMEOUT
            : exec.effectiveTimeout().plus(EXEC_MARGIN));
    String capability = exec.user().isEmpty() && exec.group().isEmpty() ? null : "user_context_exec";
    return call(Operation.EXECUTE, AgentMessage.newBuilder().setExecute(b).build(), deadline,
        capability, false, reply -> execResult(exec, reply));
  }

  private static ExecResult execResult(Exec exec, AgentMessage reply) {
    ExecuteResponse r = reply.getExecuteResponse();
    if (!r.getError().isEmpty()) {
      throw AgentException.remote("exec", r.getError());
    }
    return new ExecResult(r.getExitCode(), r.getStdout(), r.getStderr(), r.getTruncated(),
        r.getTimedOut() || exec.killedByGuestTimeout(r.getExitCode()),
        Duration.ofMillis(r.getDurationMs()));
  }

  @Override
  public CompletableFuture<TransferResult> upload(Path local, String remotePath,
      UploadOptions options) {
    return Upload.start(this, ChunkSource::ofPath, local, remotePath, options);
  }

  @Override
  public CompletableFuture<TransferResult> upload(InputStream data, String remotePath,
      UploadOptions options) {
    return Upload.start(this, ChunkSource::ofStream, data, remotePath, options);
  }

  @Override
  public CompletableFuture<TransferResult> upload(byte[] data, String remotePath,
      UploadOptions options) {
    return Upload.start(this, ChunkSource::ofBytes, data, remotePath, options);
  }

  @Override
  public CompletableFuture<TransferResult> download(String remotePath, Path local,
      DownloadOptions options) {
    return Download.toPath(this, remotePath, local, options);
  }

  @Override
  public CompletableFuture<TransferResult> download(String remotePath, OutputStream sink,
      DownloadOptions options) {
    return Download.toStream(this, remotePath, sink, options);
  }

  @Override
  public CompletableFuture<Capabilities> capabilities() {
    return call(Operation.GET_CAPABILITIES, AgentMessage.newBuilder()
            .setGetCapabilities(GetCapabilitiesRequest.getDefaultInstance()).build(),
        reply -> Capabilities.from(reply.getGetCapabilitiesResponse()));
  }

  @Override
  public Optional<AgentInfo> agentInfo() {
    return Optional.ofNullable(link.agentInfo());
  }

  @Override
  public Optional<Telemetry> latestTelemetry() {
    return Optional.ofNullable(link.telemetry());
  }

  @Override
  public Subscription onTelemetry(Consumer<? super Telemetry> listener) {
    return link.onTelemetry(listener);
  }

  @Override
  public Subscription onAgentReady(Consumer<? super AgentInfo> listener) {
    return link.onAgentReady(listener);
  }

  @Override
  public Subscription onGuestEvent(Consumer<? super GuestEvent> listener) {
    return link.onGuestEvent(listener);
  }

  @Override
  public GuestFiles files() {
    return new GuestFilesImpl(this);
  }

  @Override
  public GuestLifecycle lifecycle() {
    return new GuestLifecycleImpl(this);
  }

  @Override
  public GuestSnapshots snapshots() {
    return new GuestSnapshotsImpl(this);
  }

  @Override
  public GuestDesktop desktop() {
    return new GuestDesktopImpl(this);
  }

  @Override
  public GuestProcesses processes() {
    return new GuestProcessesImpl(this);
  }

  @Override
  public GuestServices services() {
    return new GuestServicesImpl(this);
  }

  @Override
  public GuestInventory inventory() {
    return new GuestInventoryImpl(this);
  }

  @Override
  public AgentUpdates updates() {
    return new AgentUpdatesImpl(this);
  }

  @Override
  public String toString() {
    return "AgentClient[" + vmId() + ", " + options + ']';
  }
}
