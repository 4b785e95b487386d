package io.quantix.agent.client.internal;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor a VM's calls complete through: while its session handles one read, completions are
 * collected and handed to the callback executor together when the read ends, one thread hand-off
 * per read instead of one per reply. Outside a read, or from any other thread, a completion goes
 * to the callback executor at once. Opened and flushed on the VM's event loop only.
 */
final class CompletionBatch implements Executor {
  private static final Logger log = LoggerFactory.getLogger(CompletionBatch.class);
  private final EventLoop loop;
  private final Executor callbacks;
  // Event-loop confined.
  private boolean open;
  private List<Runnable> collected;

  CompletionBatch(EventLoop loop, Executor callbacks) {
    this.loop = loop;
    this.callbacks = callbacks;
  }

  /** Starts collecting; on the loop, when a read begins. */
  void open() {
    open = true;
  }

  /** Stops collecting and hands what was collected over; on the loop, when a read ends. */
  void flush() {
    open = false;
    List<Runnable> batch = collected;
    if (batch == null) {
      return;
    }
    collected = null;
    if (batch.size() == 1) {
      handOff(batch.get(0));
      return;
    }
    handOff(() -> runAll(batch));
  }

  @Override
  public void execute(Runnable completion) {
    if (loop.inEventLoop() && open) {
      if (collected == null) {
        collected = new ArrayList<>(8);
      }
      collected.add(completion);
      return;
    }
    handOff(completion);
  }

  /**
   * Gives a completion to the callback executor; one that refuses it (stopped by the registry's
   * close) must not lose it, so it runs here instead: a future left pending is worse than a
   * completion on this thread, and after close there is no other.
   */
  private void handOff(Runnable completion) {
    try {
      callbacks.execute(completion);
    } catch (RejectedExecutionException e) {
      runAll(List.of(completion));
    }
  }

  private static void runAll(List<Runnable> batch) {
    for (Runnable completion : batch) {
      try {
        completion.run();
      } catch (RuntimeException | Error e) {
        // One completion's failure must not strand the futures after it.
        log.warn("a call completion failed", e);
      }
    }
  }
}
