package io.quantix.agent.testkit.internal;

/** A failure a handler reports in-band ({@code success=false}, {@code error=message}). Not API. */
final class GuestError extends Exception {
  GuestError(String message) {
    super(message, null, false, false);
  }
}
