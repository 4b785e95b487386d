package io.quantix.agent.testkit;

import io.quantix.agent.testkit.internal.AgentSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Configures a {@link FakeGuestAgent}; every default is the real agent's (version 0.1.27, 25
 * capabilities, telemetry every 5 s, one host at a time, about 10 KiB of stale port buffer).
 *
 * <pre>{@code
 * FakeGuestAgent agent = FakeGuestAgent.builder()
 *     .socketPath(dir.resolve("vm-1.agent.sock"))
 *     .telemetryInterval(Duration.ofMillis(200))
 *     .hostname("web-1")
 *     .seed(42)
 *     .build()
 *     .start();
 * }</pre>
 */
public final class FakeGuestAgentBuilder {
  /** The agent version the fake reports. */
  public static final String DEFAULT_VERSION = "0.1.27";
  /** The agent's telemetry period. */
  public static final Duration DEFAULT_TELEMETRY_INTERVAL = Duration.ofSeconds(5);
  /** The capabilities a Linux agent 0.1.27 announces in AgentReady. */
  public static final List<String> DEFAULT_CAPABILITIES = List.of("telemetry", "execute", "file_read",
      "file_write", "file_list", "file_delete", "file_stat", "directory_create", "shutdown", "reboot",
      "reset_password", "configure_network", "quiesce", "thaw", "sync_time", "display_resize", "clipboard",
      "process_list", "process_kill", "service_list", "service_control", "hardware_info", "software_list",
      "self_update", "user_context_exec");
  /** About what a virtio-serial port keeps while no host is connected. */
  public static final int DEFAULT_STALE_BUFFER_BYTES = 10 * 1024;
  /** The agent's vsock port. */
  public static final int DEFAULT_HYBRID_VSOCK_PORT = 9443;
  /** Unanswered requests per connection before the fake stops reading from that host. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;
  /**
   * Worker threads for user handlers, commands, file I/O and the other built-in handlers that may
   * wait (created on demand, idle ones end). Built-in handlers that only compute in memory, such as
   * ping, answer on the connection's event loop.
   */
  public static final int DEFAULT_WORKER_THREADS = 16;
  /** Received frames kept for {@link FakeGuestAgent#takeRequest}. */
  public static final int DEFAULT_RECORD_LIMIT = 10_000;
  /** What one file read returns at most on an agent built with tokio 1.48 (the 0.1.27 release). */
  public static final int DEFAULT_MAX_SINGLE_READ = 2 * 1024 * 1024;
  /** What one file read returns at most on an agent built with an older tokio (1.24), as observed. */
  public static final int OLD_BUILD_MAX_SINGLE_READ = 16 * 1024;

  private Path socketPath;
  private Duration telemetryInterval = DEFAULT_TELEMETRY_INTERVAL;
  private boolean telemetryWhileDisconnected = true;
  private Path sandbox;
  private String version = DEFAULT_VERSION;
  private String hostname = "fake-guest";
  private String osName = "Ubuntu";
  private String osVersion = "22.04";
  private String kernelVersion = "5.15.0-91-generic";
  private String architecture = "x86_64";
  private List<String> ipAddresses = List.of("192.168.122.50", "fe80::5054:ff:fe12:3456");
  private List<String> capabilities = DEFAULT_CAPABILITIES;
  private boolean singleClient = true;
  private long seed = ThreadLocalRandom.current().nextLong();
  private int reverseBatch;
  private int maxSingleRead = DEFAULT_MAX_SINGLE_READ;
  private boolean fsyncWrites;
  private int staleBufferBytes = DEFAULT_STALE_BUFFER_BYTES;
  private boolean staleWholeFrames;
  private int staleBacklogBytes;
  private boolean agentReadyOnPortOpen;
  private boolean killTimedOutCommands = true;
  private int hybridVsockPort;
  private boolean shutdownReplies;
  private boolean localShell = true;
  private boolean hostExec;
  private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
  private int recordLimit = DEFAULT_RECORD_LIMIT;
  private int workerThreads = DEFAULT_WORKER_THREADS;
  private boolean preferNative = true;

  FakeGuestAgentBuilder() {}

  /** Where to listen (a leftover socket file there is replaced); default a fresh temporary path. */
  public FakeGuestAgentBuilder socketPath(Path path) {
    this.socketPath = Objects.requireNonNull(path);
    return this;
  }

  /** Telemetry period; {@link Duration#ZERO} turns telemetry off. */
  public FakeGuestAgentBuilder telemetryInterval(Duration interval) {
    this.telemetryInterval = Objects.requireNonNull(interval);
    return this;
  }

  /** Keep pushing telemetry into the stale buffer while no host is connected (default true). */
  public FakeGuestAgentBuilder telemetryWhileDisconnected(boolean on) {
    this.telemetryWhileDisconnected = on;
    return this;
  }

  /** The guest filesystem root for file requests; default a temporary directory removed on close. */
  public FakeGuestAgentBuilder sandbox(Path directory) {
    this.sandbox = Objects.requireNonNull(directory);
    return this;
  }

  /** The agent version reported in AgentReady, pong and capabilities. */
  public FakeGuestAgentBuilder version(String version) {
    this.version = Objects.requireNonNull(version);
    return this;
  }

  /** The guest host name. */
  public FakeGuestAgentBuilder hostname(String hostname) {
    this.hostname = Objects.requireNonNull(hostname);
    return this;
  }

  /** The guest OS name. */
  public FakeGuestAgentBuilder osName(String osName) {
    this.osName = Objects.requireNonNull(osName);
    return this;
  }

  /** The guest OS version. */
  public FakeGuestAgentBuilder osVersion(String osVersion) {
    this.osVersion = Objects.requireNonNull(osVersion);
    return this;
  }

  /** The guest kernel version. */
  public FakeGuestAgentBuilder kernelVersion(String kernelVersion) {
    this.kernelVersion = Objects.requireNonNull(kernelVersion);
    return this;
  }

  /** The guest architecture. */
  public FakeGuestAgentBuilder architecture(String architecture) {
    this.architecture = Objects.requireNonNull(architecture);
    return this;
  }

  /** The addresses reported in AgentReady. */
  public FakeGuestAgentBuilder ipAddresses(String... addresses) {
    this.ipAddresses = List.of(addresses);
    return this;
  }

  /** The capabilities reported in AgentReady (GetCapabilities omits the platform extras). */
  public FakeGuestAgentBuilder capabilities(List<String> capabilities) {
    this.capabilities = List.copyOf(capabilities);
    return this;
  }

  /** One host at a time like QEMU's chardev (default), or serve every connection. */
  public FakeGuestAgentBuilder singleClient(boolean singleClient) {
    this.singleClient = singleClient;
    return this;
  }

  /** The seed of every random choice; default random (see {@link FakeGuestAgent#seed()}). */
  public FakeGuestAgentBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Forces out-of-order replies: hold replies until {@code batchSize} are ready (or 250 ms passed)
   * and send them newest request first; 0 turns it off.
   */
  public FakeGuestAgentBuilder reverseOrder(int batchSize) {
    this.reverseBatch = batchSize;
    return this;
  }

  /**
   * Mimic an agent built on old tokio: a file read returns at most 16 KiB, flagged eof; false
   * restores {@link #DEFAULT_MAX_SINGLE_READ}. Shorthand for {@link #maxSingleRead(int)}.
   */
  public FakeGuestAgentBuilder oldBuildReads(boolean on) {
    return maxSingleRead(on ? OLD_BUILD_MAX_SINGLE_READ : DEFAULT_MAX_SINGLE_READ);
  }

  /**
   * What one file read returns at most. The real agent answers each file_read with a single
   * {@code read()} of the chunk asked for, so how much comes back depends on how it was built: 2 MiB
   * with tokio 1.48 ({@link #DEFAULT_MAX_SINGLE_READ}), 16 KiB on an older build ({@link
   * #OLD_BUILD_MAX_SINGLE_READ}); a shorter read is flagged {@code eof} although {@code total_size}
   * says more. {@code 0} means no limit: the whole chunk asked for (up to what a frame carries).
   */
  public FakeGuestAgentBuilder maxSingleRead(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("maxSingleRead must be >= 0, not " + bytes);
    }
    this.maxSingleRead = bytes;
    return this;
  }

  /**
   * fsync every written file chunk before acknowledging it, as the real agent does (its write
   * throughput is bounded by the disk's flush rate, about 65 MiB/s in 1 MiB chunks where measured).
   * Off by default, so tests stay fast.
   */
  public FakeGuestAgentBuilder fsyncWrites(boolean on) {
    this.fsyncWrites = on;
    return this;
  }

  /** Bytes kept for the next host while none is connected (0: nothing is kept). */
  public FakeGuestAgentBuilder staleBufferBytes(int bytes) {
    this.staleBufferBytes = bytes;
    return this;
  }

  /**
   * The real agent after a host was away: its port holds {@code bytes} of old telemetry written
   * while nobody read (about 19 KB seen through a bridge), reports one telemetry period apart with
   * their own old timestamps and uptimes, the newest one cut where the buffer ran full. The first
   * host gets them before anything else (before AgentReady, which then may be lost in the cut
   * frame's declared length). The buffer holds at least this much; 0 (default) for none. Ignored in
   * hybrid-vsock mode, which keeps nothing.
   */
  public FakeGuestAgentBuilder staleBacklog(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("staleBacklog must be >= 0, not " + bytes);
    }
    this.staleBacklogBytes = bytes;
    return this;
  }

  /**
   * AgentReady as the real agent sends it: once, when the agent opens its virtio-serial port (at
   * start, after {@linkplain FakeGuestAgent#restartAgent() a restart} or a guest reset), not per
   * host connection. The first host finds it waiting in the port; a host that connects after it was
   * read gets none, only telemetry and answers, as behind anything that does not signal the host's
   * comings and goings to the guest (a bridge or relay, a host that arrived after the agent opened
   * the port). Telemetry flows into the port from the start. Off by default: the fake then behaves
   * like an agent behind QEMU's chardev, which reopens the port for every host.
   */
  public FakeGuestAgentBuilder agentReadyOnPortOpen(boolean on) {
    this.agentReadyOnPortOpen = on;
    return this;
  }

  /** Drop a frame that no longer fits the stale buffer, instead of cutting it like a port. */
  public FakeGuestAgentBuilder staleWholeFrames(boolean on) {
    this.staleWholeFrames = on;
    return this;
  }

  /**
   * Serve Firecracker hybrid vsock: expect {@code CONNECT <port>\n} first, answer {@code OK <n>\n}
   * for this port (no stale buffer in this mode); {@code 0} turns it off.
   */
  public FakeGuestAgentBuilder hybridVsock(int agentPort) {
    this.hybridVsockPort = agentPort;
    return this;
  }

  /** Answer shutdown with accepted=true and keep the session, instead of powering off silently. */
  public FakeGuestAgentBuilder shutdownReplies(boolean on) {
    this.shutdownReplies = on;
    return this;
  }

  /**
   * Answer unscripted commands (default), or answer every one "not found" (exit 127). How they are
   * answered: from the built-in command set, or on the host with {@link #allowHostExec(boolean)}.
   */
  public FakeGuestAgentBuilder localShell(boolean on) {
    this.localShell = on;
    return this;
  }

  /**
   * Run unscripted commands as real commands on the machine running the fake agent, as the user
   * who started it: {@code sh -c} in the sandbox directory (the request's working directory is a
   * guest path inside it) with a clean environment (a standard PATH, HOME at the sandbox, LANG, and
   * the request's variables). Off by default: commands are then answered from a built-in command
   * set that touches nothing but the sandbox ({@code echo printf true false exit cat head wc
   * sha256sum seq sleep timeout uname id whoami hostname pwd cd env printenv test [ ls mkdir rm
   * touch date nproc sh -c exec}, with {@code ; && || |}, quotes, {@code $VAR} and redirections),
   * so that a test, a demo or a CI job never runs a guest's command on the host by accident.
   */
  public FakeGuestAgentBuilder allowHostExec(boolean on) {
    this.hostExec = on;
    return this;
  }

  /**
   * Kill a command when its timeout answers it (default), or leave it running as the real agent
   * does: the agent answers {@code timed_out} but drops the child without killing it, so it keeps
   * running in the guest (here: until it ends by itself or the fake agent closes).
   */
  public FakeGuestAgentBuilder killTimedOutCommands(boolean on) {
    this.killTimedOutCommands = on;
    return this;
  }

  /** Unanswered requests per connection before reading from that host pauses. */
  public FakeGuestAgentBuilder maxInFlight(int requests) {
    this.maxInFlight = requests;
    return this;
  }

  /** Received frames kept for {@link FakeGuestAgent#takeRequest} (oldest dropped); 0 keeps none. */
  public FakeGuestAgentBuilder recordLimit(int frames) {
    this.recordLimit = frames;
    return this;
  }

  /** Worker threads of a stand-alone agent. */
  public FakeGuestAgentBuilder workerThreads(int threads) {
    this.workerThreads = threads;
    return this;
  }

  /** Use Netty epoll when available (default), or force the NIO domain-socket transport. */
  public FakeGuestAgentBuilder nativeTransport(boolean prefer) {
    this.preferNative = prefer;
    return this;
  }

  /** An agent with this configuration, not yet listening: call {@link FakeGuestAgent#start()}. */
  public FakeGuestAgent build() {
    return new FakeGuestAgent(settings(), null, socketPath == null ? "fake-agent" : socketPath.getFileName().toString());
  }

  /** Shorthand for {@code build().start()}. */
  public FakeGuestAgent start() {
    return build().start();
  }

  AgentSettings settings() {
    return new AgentSettings(socketPath, telemetryInterval, telemetryWhileDisconnected, sandbox, version,
        hostname, osName, osVersion, kernelVersion, architecture, ipAddresses, capabilities, singleClient, seed,
        reverseBatch, maxSingleRead, fsyncWrites, staleBufferBytes, staleWholeFrames, staleBacklogBytes,
        agentReadyOnPortOpen, hybridVsockPort, shutdownReplies, localShell, hostExec, killTimedOutCommands, maxInFlight,
        recordLimit, workerThreads, preferNative);
  }
}
