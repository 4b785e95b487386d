package io.quantix.agent.testkit.internal;

/**
 * What a served connection needs from its agent, and nothing more. Not API.
 *
 * @param settings the agent's configuration (limits, telemetry period, reply order)
 * @param counters the agent's traffic counters
 * @param guest the guest's identity: AgentReady and telemetry
 * @param script records each request and finds its scripted reply, handler and fault
 * @param router answers requests
 * @param server the listener, for stale bytes, orphaned replies and the end of the session
 * @param label a short name for logs
 */
record SessionContext(AgentSettings settings, Counters counters, GuestInfo guest, Script script,
    RequestRouter router, AgentServer server, String label) {}
