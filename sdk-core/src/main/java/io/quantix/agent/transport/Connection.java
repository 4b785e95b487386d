package io.quantix.agent.transport;

import io.netty.channel.Channel;
import java.util.List;
import java.util.Objects;

/**
 * A connected channel, the endpoint that won, and the failed attempts before it.
 *
 * <pre>{@code
 * Connection c = transports.connect(endpoints, request).join();
 * log.info("connected through {}", c.endpoint());
 * }</pre>
 *
 * @param channel the connected channel with the pipeline installed
 * @param endpoint the endpoint that connected
 * @param failedAttempts the endpoints tried first and why each failed, in order
 */
public record Connection(Channel channel, Endpoint endpoint, List<Attempt> failedAttempts) {

  /** Copies the attempt list. */
  public Connection {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(endpoint, "endpoint");
    failedAttempts = List.copyOf(failedAttempts);
  }

  /**
   * One failed attempt.
   *
   * @param endpoint the endpoint tried
   * @param failure why it failed
   */
  public record Attempt(Endpoint endpoint, io.quantix.agent.AgentException failure) {}
}
