package io.quantix.agent.client;

import java.time.Duration;

/**
 * A ping's answer.
 *
 * <pre>{@code
 * Pong p = client.ping().join();
 * System.out.printf("agent %s, rtt %d us%n", p.agentVersion(), p.roundTrip().toNanos() / 1000);
 * }</pre>
 *
 * @param sequence the echoed sequence number
 * @param agentVersion the agent's version, e.g. {@code 0.1.27}
 * @param guestUptime the guest OS uptime
 * @param roundTrip time from send to answer, measured on the host
 */
public record Pong(long sequence, String agentVersion, Duration guestUptime, Duration roundTrip) {}
