package io.quantix.agent.client;

import io.quantix.agent.client.AgentStatus;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The typed, asynchronous client of one VM's guest agent. Thread-safe and shared: every client of a
 * VM obtained from an {@link io.quantix.agent.registry.AgentRegistry} uses that VM's single session.
 * Every call has a deadline (30 s unless set), every returned future completes, and failures are
 * {@link io.quantix.agent.AgentException}s. Futures complete on the SDK's callback executor, never
 * on an I/O thread; cancelling one removes its pending request.
 *
 * <p>Across a close of its registry: every call pending when
 * {@link io.quantix.agent.registry.AgentRegistry#close()} runs, issued while it runs, or issued on
 * this client after it, completes promptly with {@code AgentException(UNAVAILABLE)} whose message
 * says the registry is closed, with {@code mayHaveRun()} true only where the request had been
 * written to the agent. No method throws for a closed registry (a stopped executor included), and
 * the client's in-flight slots and circuit-breaker permits are released on every path; a client
 * kept across a close simply keeps answering UNAVAILABLE.
 *
 * <p>Idempotency (what is retried after a request may have reached the agent): ping, capabilities,
 * download (file read) are retried; exec and upload (file write) are not, unless
 * {@link CallOptions#withRetryOfNonIdempotent(boolean)} says so. Requests that never left the client
 * are retried for every operation, within the deadline.
 *
 * <p>Every operation, grouped as the accessors below group them, with its request type and whether
 * it is retried once it may have reached the agent (without the opt-in above):
 * <table>
 *   <caption>Idempotency table</caption>
 *   <tr><th>method</th><th>request</th><th>retried</th></tr>
 *   <tr><td>{@link #ping()}</td><td>ping</td><td>yes</td></tr>
 *   <tr><td>{@link #capabilities()}</td><td>get_capabilities</td><td>yes</td></tr>
 *   <tr><td>{@link #exec(Exec)}</td><td>execute</td><td>no</td></tr>
 *   <tr><td>{@code upload(...)}</td><td>file_write</td><td>no</td></tr>
 *   <tr><td>{@code download(...)}</td><td>file_read</td><td>yes</td></tr>
 *   <tr><td>{@code files().stat}</td><td>file_stat</td><td>yes</td></tr>
 *   <tr><td>{@code files().list, stream}</td><td>list_directory</td><td>yes</td></tr>
 *   <tr><td>{@code files().mkdir, mkdirs}</td><td>create_directory</td><td>no</td></tr>
 *   <tr><td>{@code files().delete, deleteRecursively}</td><td>file_delete</td><td>no</td></tr>
 *   <tr><td>{@code lifecycle().powerOff, reboot, halt}</td><td>shutdown</td><td>no</td></tr>
 *   <tr><td>{@code lifecycle().resetPassword}</td><td>reset_password</td><td>no</td></tr>
 *   <tr><td>{@code lifecycle().configureNetwork}</td><td>configure_network</td><td>no</td></tr>
 *   <tr><td>{@code lifecycle().syncTime, setTime}</td><td>sync_time</td><td>no</td></tr>
 *   <tr><td>{@code snapshots().quiesce}</td><td>quiesce</td><td>no</td></tr>
 *   <tr><td>{@code snapshots().thaw}</td><td>thaw</td><td>no (yes inside {@code withQuiesced},
 *       where a repeated thaw is harmless)</td></tr>
 *   <tr><td>{@code desktop().resizeDisplay}</td><td>display_resize</td><td>no</td></tr>
 *   <tr><td>{@code desktop().setClipboard}</td><td>clipboard_update</td><td>no</td></tr>
 *   <tr><td>{@code desktop().getClipboard}</td><td>clipboard_get</td><td>yes</td></tr>
 *   <tr><td>{@code processes().list}</td><td>list_processes</td><td>yes</td></tr>
 *   <tr><td>{@code processes().kill}</td><td>kill_process</td><td>no</td></tr>
 *   <tr><td>{@code services().list}</td><td>list_services</td><td>yes</td></tr>
 *   <tr><td>{@code services().start, stop, restart, enable, disable}</td>
 *       <td>service_control</td><td>no</td></tr>
 *   <tr><td>{@code services().status}</td><td>service_control (STATUS)</td><td>yes</td></tr>
 *   <tr><td>{@code inventory().hardware}</td><td>get_hardware_info</td><td>yes</td></tr>
 *   <tr><td>{@code inventory().software}</td><td>list_installed_software</td><td>yes</td></tr>
 *   <tr><td>{@code updates().push}</td><td>agent_update (+ execute to restart)</td><td>no</td></tr>
 * </table>
 *
 * <pre>{@code
 * AgentClient vm = registry.client("vm-42");
 * ExecResult r = vm.exec(Exec.shell("uname -a")).join();
 * vm.upload(Path.of("app.tar"), "/opt/app.tar", UploadOptions.DEFAULT).join();
 * vm.withTimeout(Duration.ofSeconds(2)).ping().join();
 * }</pre>
 */
public interface AgentClient {

  /** The VM this client talks to. */
  String vmId();

  /** The options this client applies to each call. */
  CallOptions options();

  /** A view of this client that applies {@code options} to each call. */
  AgentClient withOptions(CallOptions options);

  /** A view of this client whose calls each get {@code timeout}. */
  default AgentClient withTimeout(Duration timeout) {
    return withOptions(options().withTimeout(timeout));
  }

  /** A view of this client whose calls must all end by {@code deadline}. */
  default AgentClient withDeadline(io.quantix.agent.Deadline deadline) {
    return withOptions(options().withDeadline(deadline));
  }

  /** The VM's agent status from cached state: no I/O. */
  AgentStatus status();

  /** Round trip to the agent: version and guest uptime. Idempotent. */
  CompletableFuture<Pong> ping();

  /**
   * Runs a command and waits for it (unless {@link Exec#detached()}). The deadline is derived from
   * the guest timeout plus a margin unless the call sets one. Not idempotent.
   */
  CompletableFuture<ExecResult> exec(Exec exec);

  /** Writes a local file into the guest, in chunks (see {@link UploadOptions}). Not idempotent. */
  CompletableFuture<TransferResult> upload(Path local, String remotePath, UploadOptions options);

  /** Writes a stream into the guest; the stream is read on the callback executor and not closed. */
  CompletableFuture<TransferResult> upload(InputStream data, String remotePath,
      UploadOptions options);

  /** Writes bytes into the guest (an empty array creates an empty file). */
  CompletableFuture<TransferResult> upload(byte[] data, String remotePath, UploadOptions options);

  /** Reads a guest file into a local file (replaced when the download completes). Idempotent. */
  CompletableFuture<TransferResult> download(String remotePath, Path local,
      DownloadOptions options);

  /**
   * Reads a guest file into a stream, in order; the stream is not closed. Idempotent. The stream
   * is written on the callback executor, and must not keep the array {@code write} hands it after
   * the call returns (the SDK reuses it for later chunks, as {@code InputStream.transferTo} reuses
   * its buffer): a stream that queues writes must copy them.
   */
  CompletableFuture<TransferResult> download(String remotePath, OutputStream sink,
      DownloadOptions options);

  /** The agent's capabilities, asked anew. Idempotent. */
  CompletableFuture<Capabilities> capabilities();

  /** The last AgentReady of this VM: no I/O. */
  Optional<AgentInfo> agentInfo();

  /** The last telemetry report and its age: no I/O. */
  Optional<Telemetry> latestTelemetry();

  /** Every telemetry report; a slow listener gets the latest and skips the rest. */
  Subscription onTelemetry(Consumer<? super Telemetry> listener);

  /** Every AgentReady (session start or guest reset). */
  Subscription onAgentReady(Consumer<? super AgentInfo> listener);

  /** Error and clipboard-change events from the guest. */
  Subscription onGuestEvent(Consumer<? super GuestEvent> listener);

  /** Directories and file metadata: stat, list, mkdir, delete. Carries this view's options. */
  GuestFiles files();

  /** Power, password, network and clock. Carries this view's options. */
  GuestLifecycle lifecycle();

  /** Filesystem freeze and thaw for snapshots. Carries this view's options. */
  GuestSnapshots snapshots();

  /** Display size and clipboard. Carries this view's options. */
  GuestDesktop desktop();

  /** Process list and signals. Carries this view's options. */
  GuestProcesses processes();

  /** Service list, control and status. Carries this view's options. */
  GuestServices services();

  /** Hardware and installed software. Carries this view's options. */
  GuestInventory inventory();

  /** Self-update of the agent. Carries this view's options. */
  AgentUpdates updates();
}
