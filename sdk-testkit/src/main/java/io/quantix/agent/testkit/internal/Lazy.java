package io.quantix.agent.testkit.internal;

/**
 * A resource made on first use (sandbox directory, guest state), so a fleet's idle agents stay
 * small. Thread-safe. Not API.
 *
 * @param <T> the resource
 * @param <E> what making it may throw ({@code RuntimeException} for nothing checked)
 */
final class Lazy<T, E extends Exception> {
  /** Makes the resource. */
  @FunctionalInterface
  interface Maker<T, E extends Exception> {
    T make() throws E;
  }

  private final Maker<T, E> maker;
  private volatile T value;

  Lazy(Maker<T, E> maker) {
    this.maker = maker;
  }

  /** The resource, made now if needed. */
  T get() throws E {
    T current = value;
    if (current == null) {
      synchronized (this) {
        current = value;
        if (current == null) {
          value = current = maker.make();
        }
      }
    }
    return current;
  }

  /** The resource if it was made, else null. */
  T ifMade() {
    return value;
  }
}
