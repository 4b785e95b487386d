package io.quantix.agent.testkit.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Immutable configuration of one fake agent, built by {@code FakeGuestAgent.Builder}. Not API.
 *
 * @param socketPath where to listen; null for a fresh temporary path
 * @param telemetryInterval telemetry period; zero for none
 * @param telemetryWhileDisconnected keep pushing telemetry (into the stale buffer) with no host
 * @param sandbox the guest filesystem root; null for a temporary directory made on first use
 * @param version agent version reported everywhere
 * @param hostname guest host name
 * @param osName guest OS name
 * @param osVersion guest OS version
 * @param kernelVersion guest kernel version
 * @param architecture guest architecture
 * @param ipAddresses guest addresses reported in AgentReady
 * @param capabilities capabilities reported in AgentReady
 * @param singleClient serve one host connection at a time, like QEMU's chardev
 * @param seed seed of every random choice
 * @param reverseBatch hold replies until this many are ready and send them in reverse; 0 for off
 * @param maxSingleRead bytes one file read returns at most (the agent issues a single read() per
 *     chunk); 0 for no limit
 * @param fsyncWrites fsync every written chunk, as the agent does
 * @param staleBufferBytes bytes kept for the next host while none is connected
 * @param staleWholeFrames drop a frame that does not fit instead of cutting it
 * @param staleBacklogBytes old telemetry waiting in the port for the first host, the last report cut
 * @param agentReadyOnPortOpen send AgentReady when the agent opens its port (start, restart), not
 *     per host connection
 * @param hybridVsockPort expect a Firecracker CONNECT line for this port; 0 for plain virtio-serial
 * @param shutdownReplies answer shutdown and keep the session instead of powering off silently
 * @param localShell answer unscripted commands (false: every one is "not found")
 * @param hostExec run unscripted commands on the host (in the sandbox directory, clean
 *     environment) instead of from the built-in command set
 * @param killTimedOutCommands kill a command that timed out (the agent leaves it running)
 * @param maxInFlight stop reading from a host while this many of its requests are unanswered
 * @param recordLimit how many received frames {@code takeRequest} can return (oldest dropped)
 * @param workerThreads size of the worker executor when the agent owns it
 * @param preferNative use epoll when available, otherwise NIO domain sockets
 */
public record AgentSettings(
    Path socketPath,
    Duration telemetryInterval,
    boolean telemetryWhileDisconnected,
    Path sandbox,
    String version,
    String hostname,
    String osName,
    String osVersion,
    String kernelVersion,
    String architecture,
    List<String> ipAddresses,
    List<String> capabilities,
    boolean singleClient,
    long seed,
    int reverseBatch,
    int maxSingleRead,
    boolean fsyncWrites,
    int staleBufferBytes,
    boolean staleWholeFrames,
    int staleBacklogBytes,
    boolean agentReadyOnPortOpen,
    int hybridVsockPort,
    boolean shutdownReplies,
    boolean localShell,
    boolean hostExec,
    boolean killTimedOutCommands,
    int maxInFlight,
    int recordLimit,
    int workerThreads,
    boolean preferNative) {

  /** Copies the lists and checks the numbers. */
  public AgentSettings {
    ipAddresses = List.copyOf(ipAddresses);
    capabilities = List.copyOf(capabilities);
    if (telemetryInterval.isNegative()) {
      throw new IllegalArgumentException("negative telemetry interval");
    }
    if (reverseBatch < 0 || staleBufferBytes < 0 || staleBacklogBytes < 0 || maxSingleRead < 0
        || maxInFlight < 1 || recordLimit < 0 || workerThreads < 1 || hybridVsockPort < 0) {
      throw new IllegalArgumentException("invalid fake agent settings: " + this);
    }
  }

  /** How unscripted commands are answered. */
  ExecHandler.Mode execMode() {
    return !localShell ? ExecHandler.Mode.NONE : hostExec ? ExecHandler.Mode.HOST : ExecHandler.Mode.BUILT_IN;
  }

  /** A copy listening on {@code path} with {@code seed}, as a fleet makes its agents. */
  public AgentSettings forFleetMember(Path path, Path sandboxDir, long memberSeed) {
    return new AgentSettings(path, telemetryInterval, telemetryWhileDisconnected, sandboxDir, version,
        hostname, osName, osVersion, kernelVersion, architecture, ipAddresses, capabilities,
        singleClient, memberSeed, reverseBatch, maxSingleRead, fsyncWrites, staleBufferBytes,
        staleWholeFrames, staleBacklogBytes, agentReadyOnPortOpen, hybridVsockPort, shutdownReplies,
        localShell, hostExec, killTimedOutCommands, maxInFlight, recordLimit, workerThreads, preferNative);
  }
}
