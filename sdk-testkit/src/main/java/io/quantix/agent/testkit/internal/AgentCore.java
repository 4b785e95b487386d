package io.quantix.agent.testkit.internal;

import io.netty.channel.ChannelFuture;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.testkit.Dispatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources of one fake agent, behind {@code FakeGuestAgent}: settings, threads, listener,
 * script, guest identity and state, sandbox and the host processes it spawned; it starts and closes
 * them. Answering requests is the {@link RequestRouter}'s and the handlers' job: each handler is
 * given the few resources it uses when the agent starts. Not API.
 */
public final class AgentCore {
  private static final Logger log = LoggerFactory.getLogger(AgentCore.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private final AgentSettings settings;
  private final String label;
  private final Counters counters = new Counters();
  private final Script script;
  private final GuestInfo guest;
  private final AgentServer server;
  private final Lazy<GuestStateImpl, RuntimeException> state = new Lazy<>(GuestStateImpl::new);
  private final Lazy<Sandbox, IOException> sandbox;
  private final ProcessTable processes = new ProcessTable();
  private volatile AgentRuntime runtime;
  private volatile RequestRouter router;
  private Dispatcher pendingDispatcher;
  private boolean ownsRuntime;
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
    this.script = new Script(settings.seed(), settings.recordLimit());
    this.guest = new GuestInfo(settings);
    this.server = new AgentServer(settings, counters, guest, label);
    this.sandbox = new Lazy<>(() -> Sandbox.open(settings.sandbox()));
  }

  /**
   * Prepares the socket path and binds on {@code runtime}; the future completes once the socket
   * listens.
   *
   * @param ownsRuntime close the runtime with the agent
   */
  public ChannelFuture startAsync(AgentRuntime runtime, boolean ownsRuntime) throws IOException {
    RequestRouter made;
    synchronized (this) {
      if (this.runtime != null || closed) {
        throw new IllegalStateException("fake agent " + label + " was already started");
      }
      this.runtime = runtime;
      this.ownsRuntime = ownsRuntime;
      made = new RequestRouter(builtIn(runtime), runtime.workers(), label);
      made.dispatcher(pendingDispatcher);
      router = made;
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
    return server.bind(path, runtime, script, made);
  }

  /** The built-in agent, each handler given what it uses. */
  private BuiltInDispatcher builtIn(AgentRuntime threads) {
    GuestControl control = new GuestControl() {
      @Override
      public void powerOff() {
        server.closeConnections();
      }

      @Override
      public void reboot() {
        server.forEachSession(Session::loseInFlight);
        threads.group().schedule(() -> server.portReopened(false),
            SystemHandlers.REBOOT_TIME.toMillis(), TimeUnit.MILLISECONDS);
      }
    };
    return new BuiltInDispatcher(
        new SystemHandlers(guest, state, control, threads.group(), label),
        new FileHandlers(sandbox, settings.maxSingleRead(), settings.fsyncWrites(), counters),
        new DirectoryListing(sandbox),
        new InventoryHandlers(state, guest),
        new UpdateHandler(sandbox, state, guest),
        new ExecHandler(script, settings.execMode(),
            new BuiltInExec(sandbox, guest, state, settings.killTimedOutCommands(), threads.group(), threads.workers()),
            new HostExec(sandbox, settings.killTimedOutCommands(), processes, threads.group(), threads.workers())));
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

  /** The threads (null before start). */
  public AgentRuntime runtime() {
    return runtime;
  }

  /** The counters. */
  public Counters counters() {
    return counters;
  }

  /** Who the guest is: version, AgentReady, telemetry. */
  public GuestInfo guest() {
    return guest;
  }

  /** The guest state, made on first use. */
  public GuestStateImpl state() {
    return state.get();
  }

  /** The sandbox root, made now if needed. */
  public Path sandboxRoot() throws IOException {
    return sandbox.get().root();
  }

  /**
   * Replaces the dispatcher consulted for requests that nothing scripted claims; null restores the
   * built-in agent.
   */
  public synchronized void dispatcher(Dispatcher dispatcher) {
    pendingDispatcher = dispatcher;
    if (router != null) {
      router.dispatcher(dispatcher);
    }
  }

  /**
   * The built-in agent as a dispatcher.
   *
   * @throws IllegalStateException before start
   */
  public Dispatcher builtInDispatcher() {
    RequestRouter current = router;
    if (current == null) {
      throw new IllegalStateException("fake agent " + label + " is not started");
    }
    return current.builtIn();
  }

  /**
   * The built-in agent's answer to one request, as a per-type handler gives it.
   *
   * @throws IllegalStateException before start
   */
  public CompletionStage<AgentMessage> answerBuiltIn(AgentMessage request) {
    return ((BuiltInDispatcher) builtInDispatcher()).answer(request);
  }

  /** A guest-side reset on every connection: replies in flight are lost, then AgentReady. */
  public void guestReset() {
    server.portReopened(false);
  }

  /**
   * Restarts the simulated agent process: an installed update takes effect, then AgentReady
   * ({@code cutFrameFirst}: after half a frame the old process was writing).
   */
  public void restart(boolean cutFrameFirst) {
    GuestStateImpl current = state.ifMade();
    String installed = current == null ? null : current.installedUpdate().orElse(null);
    if (installed != null) {
      guest.version(installed);
      current.installedUpdate(null);
    }
    server.portReopened(cutFrameFirst);
  }

  /** Stops listening, ends connections, timers and spawned processes, removes temporary files. */
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    List<Process> running = processes.close();
    if (runtime == null) {
      return;
    }
    server.close();
    GuestStateImpl current = state.ifMade();
    if (current != null) {
      current.cancelTimers();
      current.killCommands();
    }
    running.forEach(HostExec::kill);
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
      Sandbox made = sandbox.ifMade();
      if (made != null) {
        made.close();
      }
    } catch (IOException e) {
      log.warn("fake agent {}: could not remove its files: {}", label, e.toString());
    }
  }
}
