package io.quantix.agent.client;

import java.time.Instant;

/**
 * One process in the guest, as the agent lists it.
 *
 * @param pid process id
 * @param parentPid parent process id
 * @param name executable name
 * @param commandLine full command line
 * @param user owning user
 * @param cpuPercent CPU use in percent (a fresh sample; unreliable on some builds)
 * @param memoryBytes resident memory in bytes
 * @param state state as free text (e.g. "Running", "Sleeping")
 * @param startedAt when it started, or null when unknown
 * @param threadCount threads (0 when not reported)
 * @param workingDirectory working directory, empty when unknown
 */
public record GuestProcess(long pid, long parentPid, String name, String commandLine, String user,
    double cpuPercent, long memoryBytes, String state, Instant startedAt, int threadCount,
    String workingDirectory) {}
