package io.quantix.agent.framing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes Netty's leak detector fail tests. Every buffer is tracked (PARANOID) and every leak Netty
 * reports for a {@code ByteBuf} is recorded here; {@link #assertNone()} collects garbage, makes the
 * detector report what it found and fails on any leak.
 *
 * <p>Netty reports a leak only when a buffer it tracked was collected unreleased and another buffer is
 * then tracked: {@link #collect()} runs the GC, waits for the reference queues to be filled (two GC
 * cycles, each confirmed through a sentinel reference) and then allocates.
 */
final class Leaks {
  private static final ConcurrentLinkedQueue<String> REPORTED = new ConcurrentLinkedQueue<>();

  static {
    // Every buffer stays tracked (PARANOID), but without access records: Netty 4.2 takes a stack
    // trace on every access of a tracked buffer to keep them, which makes the properties ~6 times
    // slower. A leak is still reported, with the stack that allocated the buffer. This only works if
    // set before Netty's ResourceLeakDetector is first used in the JVM (the framing tests see to
    // it); otherwise the tests are merely slower.
    if (System.getProperty("io.netty.leakDetection.targetRecords") == null) {
      System.setProperty("io.netty.leakDetection.targetRecords", "0");
    }
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ByteBufUtil.setLeakListener((resourceType, records) -> REPORTED.add(resourceType + ": " + records));
  }

  private Leaks() {}

  /** {@code @ExtendWith(Leaks.PerTest.class)}: every test starts clean and fails on a leak. */
  static final class PerTest implements BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
      reset();
    }

    @Override
    public void afterEach(ExtensionContext context) {
      assertNone();
    }
  }

  /** Reports of leaks that happened before now are dropped: call before the code under test runs. */
  static void reset() {
    collect();
    REPORTED.clear();
  }

  /** Fails if a buffer was leaked since {@link #reset()}. */
  static void assertNone() {
    List<String> leaks = collect();
    assertThat(leaks).as("leaked buffers (Netty leak detector, PARANOID)").isEmpty();
  }

  /** Leaks reported since {@link #reset()}, after a garbage collection; clears them. */
  static List<String> collect() {
    for (int cycle = 0; cycle < 2; cycle++) {
      ReferenceQueue<Object> queue = new ReferenceQueue<>();
      WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
      Reference<?> enqueued = null;
      for (int attempt = 0; attempt < 50 && enqueued == null; attempt++) {
        System.gc();
        try {
          enqueued = queue.remove(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      assertThat(enqueued).as("GC cleared the sentinel reference").isSameAs(sentinel);
    }
    // the detector polls its queue when it tracks a new buffer
    for (int i = 0; i < 4; i++) {
      ByteBufAllocator.DEFAULT.buffer(16).release();
      ByteBufAllocator.DEFAULT.heapBuffer(16).release();
      ByteBufAllocator.DEFAULT.directBuffer(16).release();
    }
    List<String> leaks = new ArrayList<>();
    for (String leak; (leak = REPORTED.poll()) != null; ) {
      // the access records of one leak can run to thousands of lines: keep the start and the creation
      int created = leak.indexOf("Created at:");
      if (created < 0 || leak.length() < 6000) {
        leaks.add(leak);
      } else {
        leaks.add(leak.substring(0, Math.min(3000, created)) + "\n...\n"
            + leak.substring(created, Math.min(leak.length(), created + 3000)));
      }
    }
    return leaks;
  }
}
