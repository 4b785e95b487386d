package io.quantix.agent.transport;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The transport SPI: opens a connected Netty {@link Channel} to an {@link Endpoint}. Implementations
 * are found with {@link java.util.ServiceLoader} (declare them in
 * {@code META-INF/services/io.quantix.agent.transport.Transport}) and chosen by URI scheme.
 *
 * <p>A transport must register the channel on {@link ConnectRequest#eventLoops()}, add
 * {@link ConnectRequest#pipeline()} as the last handler of the pipeline (after any handshake handler
 * of its own, which must hand on bytes that follow the handshake), respect
 * {@link ConnectRequest#deadline()}, and complete the future only once the channel is ready to carry
 * frames. Failures complete it exceptionally with an {@link io.quantix.agent.AgentException} carrying
 * a {@link io.quantix.agent.ConnectFailure}; a failed attempt must leave no channel open. When the
 * caller completes or cancels the returned future first (as {@link Transports} does when an attempt
 * overruns its deadline or the whole connect is cancelled), the transport abandons the attempt and
 * closes whatever it opened.
 *
 * <pre>{@code
 * public final class MyTransport implements Transport {
 *   public Set<String> schemes() { return Set.of("mine"); }
 *   public CompletableFuture<Channel> connect(Endpoint e, ConnectRequest r) { ... }
 * }
 * }</pre>
 */
public interface Transport {

  /** URI schemes this transport opens, e.g. {@code unix}. */
  Set<String> schemes();

  /** Opens a connection; never blocks the caller. */
  CompletableFuture<Channel> connect(Endpoint endpoint, ConnectRequest request);
}
