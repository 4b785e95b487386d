package io.quantix.agent.client.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.TransportOptions;
import io.quantix.agent.transport.Transports;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Everything a {@link VmLink} needs from its registry, immutable and shared by all links.
 *
 * @param eventLoops the I/O loops
 * @param transports the transports by scheme
 * @param transportOptions lock directory, peer uid
 * @param callbackExecutor completes call futures
 * @param eventExecutor delivers events and status changes
 * @param metrics the metrics sink
 * @param maxInFlight calls in flight per VM, then RESOURCE_EXHAUSTED
 * @param maxWaiting calls waiting for a session per VM, then UNAVAILABLE
 * @param connectTimeout one connect attempt, over all endpoints
 * @param readyTimeout from connect to AgentReady or pong, then AGENT_SILENT
 * @param resetGrace how long calls sent before a mid-session AgentReady may still be answered
 * @param keepAliveIdle silence after which a keep-alive ping is sent
 * @param keepAliveMisses unanswered keep-alives in a row before the session is declared silent
 * @param reconnectMin first reconnect delay
 * @param reconnectMax largest reconnect delay
 * @param maxAttempts attempts per call, first included
 * @param breakerConfig the per-VM circuit breaker's configuration
 * @param guarding the registry's call guard and audit listener
 * @param timers where call deadlines and keep-alive checks wait (off the I/O loops)
 */
public record LinkConfig(EventLoops eventLoops, Transports transports,
    TransportOptions transportOptions, Executor callbackExecutor, Executor eventExecutor,
    AgentMetrics metrics, int maxInFlight, int maxWaiting, Duration connectTimeout,
    Duration readyTimeout, Duration resetGrace, Duration keepAliveIdle, int keepAliveMisses,
    Duration reconnectMin, Duration reconnectMax, int maxAttempts,
    CircuitBreakerConfig breakerConfig, Guarding guarding, LinkTimers timers) {}
