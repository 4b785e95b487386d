/**
 * Micrometer instrumentation of the agent SDK: {@link io.quantix.agent.micrometer.AgentObservability}
 * plugs into {@code AgentRegistry.Builder.metrics(...)} and observes every call as
 * {@code quantix.agent.call} (metrics and traces from one instrumentation), plus session gauges,
 * counters and timers.
 */
package io.quantix.agent.micrometer;
