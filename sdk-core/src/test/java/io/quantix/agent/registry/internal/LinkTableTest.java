package io.quantix.agent.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LinkTableTest {
  /** A link that records its life; its close completes when the test says so. */
  static final class FakeLink {
    final String id;
    final int serial;
    final List<String> life = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    FakeLink(String id, int serial) {
      this.id = id;
      this.serial = serial;
    }
  }

  private final AtomicInteger made = new AtomicInteger();
  private final LinkTable<FakeLink> table = new LinkTable<>(new LinkTable.Lifecycle<>() {
    @Override
    public void start(FakeLink link) {
      link.life.add("start");
    }

    @Override
    public CompletableFuture<Void> close(FakeLink link) {
      link.life.add("close");
      return link.closed;
    }
  });

  private FakeLink create(String id) {
    return new FakeLink(id, made.incrementAndGet());
  }

  @Test
  void concurrentCallersShareOneLinkAndItStartsOnce() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<FakeLink>> got = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        got.add(pool.submit(() -> {
          go.await();
          return table.getOrCreate("vm-1", this::create);
        }));
      }
      go.countDown();
      FakeLink first = got.get(0).get(10, TimeUnit.SECONDS);
      for (Future<FakeLink> f : got) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(first);
      }
      assertThat(made).hasValue(1);
      assertThat(first.life).containsExactly("start");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aNewLinkOfARemovedVmStartsOnlyOnceTheOldOneClosed() {
    FakeLink old = table.getOrCreate("vm-1", this::create);
    CompletableFuture<Void> removed = table.remove("vm-1");
    assertThat(table.get("vm-1")).isNull();

    FakeLink fresh = table.getOrCreate("vm-1", this::create);
    assertThat(fresh).isNotSameAs(old);
    assertThat(fresh.life).isEmpty();

    old.closed.complete(null);
    assertThat(removed).isDone();
    assertThat(fresh.life).containsExactly("start");
  }

  @Test
  void aFailingFactoryRegistersNothing() {
    assertThatThrownBy(() -> table.getOrCreate("bad", id -> {
      throw new IllegalArgumentException("no such VM");
    })).hasMessage("no such VM");
    assertThat(table.get("bad")).isNull();
    assertThat(table.getOrCreate("bad", this::create).life).containsExactly("start");
  }

  @Test
  void removingAnUnknownVmIsDoneAtOnce() {
    assertThat(table.remove("nobody")).isCompleted();
    assertThat(table.remove(null)).isCompleted();
  }

  @Test
  void closeAllClosesEveryLinkOnceAndIncludesPendingRemovals() {
    FakeLink a = table.getOrCreate("vm-a", this::create);
    FakeLink b = table.getOrCreate("vm-b", this::create);
    table.remove("vm-b");

    List<CompletableFuture<Void>> closings = table.closeAll();

    assertThat(table.isClosed()).isTrue();
    assertThat(closings).containsExactlyInAnyOrder(a.closed, b.closed);
    assertThat(a.life).containsExactly("start", "close");
    assertThat(table.closeAll()).isEmpty();
    assertThat(table.snapshot()).isEmpty();
  }

  @Test
  void aLinkMadeWhileTheTableClosesIsClosedAtOnce() {
    table.closeAll();
    FakeLink late = table.getOrCreate("vm-late", this::create);
    assertThat(late.life).containsExactly("start", "close");
  }

  @Test
  void snapshotIsSortedByVmId() {
    table.getOrCreate("vm-b", this::create);
    table.getOrCreate("vm-a", this::create);
    assertThat(table.snapshot()).containsOnlyKeys("vm-a", "vm-b");
    assertThat(new ArrayList<>(table.snapshot().keySet())).containsExactly("vm-a", "vm-b");
  }
}
