package io.quantix.agent.client;

/**
 * A registered listener; closing it unsubscribes. Thread-safe and idempotent.
 *
 * <pre>{@code
 * try (Subscription s = client.onTelemetry(t -> dashboard.update(t))) {
 *   ...
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Stops delivery to the listener. */
  @Override
  void close();
}
