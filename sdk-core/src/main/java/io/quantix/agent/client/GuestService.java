package io.quantix.agent.client;

/**
 * One service (systemd unit, Windows service) in the guest.
 *
 * @param name the unit or service name
 * @param displayName human-readable name
 * @param state state as free text (e.g. "running", "exited")
 * @param startType start type as free text (e.g. "enabled", "auto")
 * @param description description
 * @param pid main process id, 0 when not running
 * @param memoryBytes memory use in bytes, 0 when not reported
 */
public record GuestService(String name, String displayName, String state, String startType,
    String description, long pid, long memoryBytes) {}
