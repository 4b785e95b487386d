/**
 * How the host reaches a guest agent: {@link io.quantix.agent.transport.Endpoint} URIs, the
 * {@link io.quantix.agent.transport.Transport} SPI that transport modules implement (found with
 * {@link java.util.ServiceLoader} by URI scheme), shared {@link io.quantix.agent.transport.EventLoops},
 * and {@link io.quantix.agent.transport.Transports}, which connects with auto-fallback.
 */
package io.quantix.agent.transport;
