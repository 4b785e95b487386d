package io.quantix.agent.testkit.internal;

import io.netty.channel.ChannelFuture;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.AsyncRequestHandler;
import io.quantix.agent.testkit.ScriptedReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one fake agent, behind {@code FakeGuestAgent}: settings, listener, script, guest
 * state (made on first use), sandbox and the processes it spawned. Not API.
 */
public final class AgentCore {
  private static final Logger log = LoggerFactory.getLogger(AgentCore.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  /** Detached commands still running beyond this many are not tracked (nor killed on close). */
  private static final int PROCESS_LIMIT = 1_000;

  final AgentSettings settings;
  volatile AgentRuntime runtime;
  private boolean ownsRuntime;
  final Counters counters = new Counters();
  final Script script;
  final AgentServer server;
  private final String label;
  private final long bootMillis;
  private final AtomicLong telemetryTicks = new AtomicLong();
  /** Serialises agent_update requests (the agent's own state is not safe for concurrent ones). */
  final Object updateLock = new Object();
  private volatile String version;
  private volatile GuestStateImpl state;
  private volatile Sandbox sandbox;
  private Set<Process> processes;
  private UpdateHandler.Download download;
  private Path socketPath;
  private Path tempSocketDir;
  private boolean closed;

  /**
   * @param settings the configuration
   * @param label a short name for logs (the VM id in a fleet)
   */
  public AgentCore(AgentSettings settings, String label) {
    this.settings = settings;
    this.label = label;
    this.version = settings.version();
    this.script = new Script(settings.seed(), settings.recordLimit());
    this.server = new AgentServer(this);
    // The guest booted between one hour and ten days ago, as the seed decides.
    this.bootMillis = System.currentTimeMillis() - 3_600_000L - Math.floorMod(settings.seed(), 9L * 86_400_000L);
  }

  /**
   * Prepares the socket path and binds on {@code runtime}; the future completes once the socket
   * listens.
   *
   * @param ownsRuntime close the runtime with the agent
   */
  public ChannelFuture startAsync(AgentRuntime runtime, boolean ownsRuntime) throws IOException {
    synchronized (this) {
      if (this.runtime != null || closed) {
        throw new IllegalStateException("fake agent " + label + " was already started");
      }
      this.runtime = runtime;
      this.ownsRuntime = ownsRuntime;
    }
    Path path = settings.socketPath();
    if (path == null) {
      tempSocketDir = Files.createTempDirectory("qx-fake-agent");
      path = tempSocketDir.resolve("agent.sock");
    } else {
      path = path.toAbsolutePath();
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      removeStaleSocket(path);
    }
    socketPath = path;
    return server.bind(path);
  }

  /** QEMU unlinks a leftover socket before binding; anything else at the path is an error. */
  private static void removeStaleSocket(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & S_IFMT) != S_IFSOCK) {
      throw new IOException(path + " exists and is not a socket");
    }
    Files.delete(path);
  }

  /** The absolute socket path (after start). */
  public Path socketPath() {
    return socketPath;
  }

  /** A short name for logs. */
  public String label() {
    return label;
  }

  /** The listener. */
  public AgentServer server() {
    return server;
  }

  /** The script. */
  public Script script() {
    return script;
  }

  /** The configuration. */
  public AgentSettings settings() {
    return settings;
  }

  /** The threads. */
  public AgentRuntime runtime() {
    return runtime;
  }

  /** The counters. */
  public Counters counters() {
    return counters;
  }

  /** The agent version reported now (changes after an applied self-update and restart). */
  public String version() {
    return version;
  }

  /** An AgentReady with a fresh message_id. */
  public AgentMessage agentReady() {
    return GuestInfo.agentReady(this);
  }

  /** The next telemetry report. */
  public AgentMessage telemetry() {
    return GuestInfo.telemetry(this, telemetryTicks.incrementAndGet());
  }

  /** Guest OS uptime. */
  long uptimeSeconds() {
    return (System.currentTimeMillis() - bootMillis) / 1000;
  }

  /** The guest state, made on first use. */
  public GuestStateImpl state() {
    GuestStateImpl current = state;
    if (current == null) {
      synchronized (this) {
        current = state;
        if (current == null) {
          state = current = new GuestStateImpl();
        }
      }
    }
    return current;
  }

  /** The sandbox, its directory made on first use. */
  Sandbox sandbox() throws IOException {
    Sandbox current = sandbox;
    if (current == null) {
      synchronized (this) {
        current = sandbox;
        if (current == null) {
          sandbox = current = Sandbox.open(settings.sandbox());
        }
      }
    }
    return current;
  }

  /** The sandbox root, made now if needed. */
  public Path sandboxRoot() throws IOException {
    return sandbox().root();
  }

  /** A guest-side reset on every connection: replies in flight are lost, then AgentReady. */
  public void guestReset() {
    server.forEachSession(Session::reset);
  }

  /** Restarts the simulated agent process: an installed update takes effect, then AgentReady. */
  public void restart() {
    String installed = state == null ? null : state.installedUpdate().orElse(null);
    if (installed != null) {
      version = installed;
      state.installedUpdate(null);
    }
    server.forEachSession(Session::reset);
  }

  synchronized UpdateHandler.Download download() {
    return download;
  }

  synchronized void download(UpdateHandler.Download value) {
    download = value;
  }

  /** Remembers a spawned process so that close() can end it; false when closed or too many. */
  synchronized boolean track(Process process) {
    if (closed) {
      return false;
    }
    if (processes == null) {
      processes = new HashSet<>();
    }
    processes.removeIf(p -> !p.isAlive());
    return processes.size() < PROCESS_LIMIT && processes.add(process);
  }

  synchronized void untrack(Process process) {
    if (processes != null) {
      processes.remove(process);
    }
  }

  /** The built-in handler of a request type. */
  public AsyncRequestHandler defaultHandler(PayloadCase payload) {
    return request -> DefaultHandlers.handle(this, request);
  }

  /**
   * Answers one request at once, on the calling event loop, when that needs no worker: scripted
   * messages, or a cheap built-in handler ({@link DefaultHandlers#runsInline}) that no user handler
   * replaces. Null when the answer must come from {@link #dispatch}.
   */
  List<AgentMessage> answerNow(AgentMessage request, Script.Decision decision) {
    ScriptedReply scripted = decision.scripted();
    if (scripted != null && !scripted.useHandler()) {
      List<AgentMessage> messages = new ArrayList<>(scripted.messages().size());
      scripted.messages().forEach(message -> messages.add(Messages.complete(message, request)));
      return messages;
    }
    if (decision.handler() != null || !DefaultHandlers.runsInline(request.getPayloadCase())) {
      return null;
    }
    try {
      AgentMessage reply = DefaultHandlers.handleNow(this, request);
      return reply == null ? List.of() : List.of(Messages.complete(reply, request));
    } catch (RuntimeException | Error e) {
      log.warn("fake agent {}: handler for {} failed; no reply", label, request.getPayloadCase(), e);
      return List.of();
    }
  }

  /**
   * Answers one request: scripted messages, or the handler run on the worker executor. Requests that
   * {@link #answerNow} can answer never get here from a session.
   */
  CompletionStage<List<AgentMessage>> dispatch(AgentMessage request, Script.Decision decision) {
    ScriptedReply scripted = decision.scripted();
    if (scripted != null && !scripted.useHandler()) {
      return CompletableFuture.completedFuture(answerNow(request, decision));
    }
    AsyncRequestHandler handler = decision.handler() != null
        ? decision.handler() : defaultHandler(request.getPayloadCase());
    CompletableFuture<List<AgentMessage>> result = new CompletableFuture<>();
    try {
      runtime.workers().execute(() -> invoke(handler, request, result));
    } catch (RejectedExecutionException e) {
      log.warn("fake agent {}: worker queue full; {} gets no reply", label, request.getPayloadCase());
      result.complete(List.of());
    }
    return result;
  }

  private void invoke(AsyncRequestHandler handler, AgentMessage request, CompletableFuture<List<AgentMessage>> result) {
    try {
      CompletionStage<AgentMessage> stage = handler.handle(request);
      if (stage == null) {
        result.complete(List.of());
        return;
      }
      stage.whenComplete((reply, error) -> {
        if (error != null) {
          log.warn("fake agent {}: handler for {} failed; no reply", label, request.getPayloadCase(), error);
          result.complete(List.of());
        } else {
          result.complete(reply == null ? List.of() : List.of(Messages.complete(reply, request)));
        }
      });
    } catch (RuntimeException | Error e) {
      log.warn("fake agent {}: handler for {} failed; no reply", label, request.getPayloadCase(), e);
      result.complete(List.of());
    }
  }

  /** Stops listening, ends connections, timers and spawned processes, removes temporary files. */
  public void close() {
    List<Process> running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = processes == null ? List.of() : new ArrayList<>(processes);
      processes = null;
    }
    if (runtime == null) {
      return;
    }
    server.close();
    if (state != null) {
      state.cancelTimers();
    }
    running.forEach(ExecHandler::kill);
    if (ownsRuntime) {
      runtime.close();
    }
    try {
      if (socketPath != null) {
        removeStaleSocket(socketPath);
      }
      if (tempSocketDir != null) {
        Files.deleteIfExists(tempSocketDir);
      }
      if (sandbox != null) {
        sandbox.close();
      }
    } catch (IOException e) {
      log.warn("fake agent {}: could not remove its files: {}", label, e.toString());
    }
  }
}
