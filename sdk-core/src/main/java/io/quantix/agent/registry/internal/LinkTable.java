package io.quantix.agent.registry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The registry's links by VM id, with one connect in progress per VM (on the lines of Lettuce's
 * {@code AsyncConnectionProvider}): callers asking for the same VM at once share one link; a link
 * starts only once the previous link of the same VM closed its channel, so a single-client channel
 * never sees two connections of one registry; after {@link #closeAll()} nothing new starts.
 *
 * @param <L> the link type
 */
public final class LinkTable<L> {
  /** How the table starts and closes its links. */
  public interface Lifecycle<L> {
    /** Starts connecting; must not block. */
    void start(L link);

    /** Closes the link; the future completes once its channel is closed. */
    CompletableFuture<Void> close(L link);
  }

  private final ConcurrentHashMap<String, L> links = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<Void>> closing =
      new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Lifecycle<L> lifecycle;

  /** An empty, open table. */
  public LinkTable(Lifecycle<L> lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** The link of {@code vmId}, or null. */
  public L get(String vmId) {
    return vmId == null ? null : links.get(vmId);
  }

  /** Whether {@link #closeAll()} began. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * The link of {@code vmId}, made with {@code create} and started if there was none. Exceptions
   * of {@code create} reach the caller and register nothing. The caller checks
   * {@link #isClosed()} first; a link made while the table closes is closed at once.
   */
  public L getOrCreate(String vmId, Function<String, L> create) {
    L link = links.get(vmId);
    if (link != null) {
      return link;
    }
    List<L> created = new ArrayList<>(1);
    link = links.computeIfAbsent(vmId, id -> {
      L made = create.apply(id);
      created.add(made);
      return made;
    });
    if (!created.isEmpty() && created.get(0) == link) {
      start(vmId, link);
    }
    return link;
  }

  private void start(String vmId, L link) {
    CompletableFuture<Void> previous = closing.get(vmId);
    if (previous == null) {
      lifecycle.start(link);
    } else {
      previous.whenComplete((v, e) -> lifecycle.start(link));
    }
    if (closed.get()) {
      lifecycle.close(link);
    }
  }

  /** Closes and forgets the link of {@code vmId}; completes once its channel is closed. */
  public CompletableFuture<Void> remove(String vmId) {
    if (vmId == null) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> done = new ArrayList<>(1);
    links.computeIfPresent(vmId, (id, link) -> {
      CompletableFuture<Void> closedNow = lifecycle.close(link);
      closing.put(id, closedNow);
      closedNow.whenComplete((v, e) -> closing.remove(id, closedNow));
      done.add(closedNow);
      return null;
    });
    return done.isEmpty() ? CompletableFuture.completedFuture(null) : done.get(0);
  }

  /**
   * Closes every link, once; later {@link #getOrCreate} links close at once. Returns the closings
   * under way, those of earlier removals included; empty when already closed.
   */
  public List<CompletableFuture<Void>> closeAll() {
    if (!closed.compareAndSet(false, true)) {
      return List.of();
    }
    List<CompletableFuture<Void>> closings = new ArrayList<>();
    for (String id : new ArrayList<>(links.keySet())) {
      L link = links.remove(id);
      if (link != null) {
        closings.add(lifecycle.close(link));
      }
    }
    closings.addAll(closing.values());
    return closings;
  }

  /** Calls {@code action} for every link, in no particular order. */
  public void forEach(BiConsumer<String, L> action) {
    links.forEach(action);
  }

  /** The links by VM id, sorted. */
  public Map<String, L> snapshot() {
    return new TreeMap<>(links);
  }
}
