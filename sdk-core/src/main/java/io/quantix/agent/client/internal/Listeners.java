package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import io.quantix.agent.client.Subscription;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** A thread-safe set of listeners of one event type, each behind its own {@link Mailbox}. */
final class Listeners<T> {
  private final CopyOnWriteArrayList<Mailbox<T>> mailboxes = new CopyOnWriteArrayList<>();
  private final int capacity;
  private final Runnable onDrop;

  Listeners(int capacity, Runnable onDrop) {
    this.capacity = capacity;
    this.onDrop = onDrop;
  }

  Subscription add(Consumer<? super T> listener, Executor executor) {
    Checks.notNull(listener, "listener");
    Mailbox<T> box = new Mailbox<>(listener, executor, capacity, onDrop);
    mailboxes.add(box);
    return () -> {
      if (mailboxes.remove(box)) {
        box.close();
      }
    };
  }

  void publish(T value) {
    for (Mailbox<T> box : mailboxes) {
      box.offer(value);
    }
  }

  boolean isEmpty() {
    return mailboxes.isEmpty();
  }

  void clear() {
    for (Mailbox<T> box : mailboxes) {
      box.close();
    }
    mailboxes.clear();
  }
}
