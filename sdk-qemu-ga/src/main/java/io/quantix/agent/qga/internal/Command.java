package io.quantix.agent.qga.internal;

import io.quantix.agent.Deadline;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One QGA command on its way: the encoded request, its deadline and the future of its raw reply
 * line. Touched only on the session's event loop once submitted.
 */
final class Command {
  final String name;
  final byte[] request;
  final Deadline deadline;
  /** guest-shutdown: no reply on success, so EOF while it is on the wire is success. */
  final boolean successOnEof;
  /** Completed on the event loop with the reply line (null: success on EOF). */
  final CompletableFuture<byte[]> reply = new CompletableFuture<>();
  ScheduledFuture<?> timer;
  boolean written;

  Command(String name, byte[] request, Deadline deadline, boolean successOnEof) {
    this.name = name;
    this.request = request;
    this.deadline = deadline;
    this.successOnEof = successOnEof;
  }

  void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public String toString() {
    return name; // never the request: it may carry a password or file data
  }
}
