package io.quantix.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits under 50 concurrent callers: never more than the limit in a window. */
@Timeout(120)
class RateLimitTest {
  private static final int CALLERS = 50;

  @TempDir
  Path sandbox;

  @Test
  void fiftyConcurrentCallersGetExactlyTheLimitInOneWindow() throws Exception {
    AgentPolicy policy = AgentPolicy.builder()
        .rateLimit(OperationClass.INFO, new RateLimit(10, Duration.ofHours(1))).build();
    try (PolicyHarness h = new PolicyHarness(sandbox, policy)) {
      long before = h.agent.requestCount();
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
      try {
        List<Future<Code>> outcomes = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
          outcomes.add(pool.submit(() -> {
            start.await();
            try {
              h.client.ping().join();
              return null;
            } catch (RuntimeException e) {
              AgentException a = AgentException.from(e);
              assertThat(a.mayHaveRun()).isFalse();
              assertThat(a.getMessage()).contains("rule rateLimits.info");
              return a.code();
            }
          }));
        }
        start.countDown();
        int ok = 0;
        int denied = 0;
        for (Future<Code> f : outcomes) {
          Code c = f.get(60, TimeUnit.SECONDS);
          if (c == null) {
            ok++;
          } else if (c == Code.PERMISSION_DENIED) {
            denied++;
          }
        }
        assertThat(ok).isEqualTo(10);
        assertThat(denied).isEqualTo(CALLERS - 10);
        assertThat(h.agent.requestCount() - before).isEqualTo(10);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void manyShortWindowsNeverGrantMoreThanTheLimitEach() throws Exception {
    int limit = 5;
    Duration period = Duration.ofMillis(100);
    PolicyGuard guard = PolicyGuard.of(AgentPolicy.builder()
        .rateLimit(OperationClass.EXEC, new RateLimit(limit, period)).build());
    GuardedCall call = GuardedCall.builder("vm-1", GuestOperation.EXEC)
        .command("true", List.of("x")).build();
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
    long[] window = new long[2];
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        all.add(pool.submit(() -> {
          start.await();
          for (int n = 0; n < 400; n++) {
            if (guard.check(call).allowed()) {
              granted.incrementAndGet();
            }
          }
          return null;
        }));
      }
      window[0] = System.nanoTime();
      start.countDown();
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
      window[1] = System.nanoTime();
    } finally {
      pool.shutdownNow();
    }
    // The limiter's windows are fixed and start when it is made (just after start): however the
    // calls fall, the windows they span allow at most limit each.
    long windows = (window[1] - window[0]) / period.toNanos() + 2;
    assertThat(granted.get()).isPositive().isLessThanOrEqualTo((int) (windows * limit));
    assertThat(guard.limiter("vm-1", OperationClass.EXEC)).isNotNull();
    assertThat(guard.limiter("vm-2", OperationClass.EXEC)).isNull();
  }

  @Test
  void limitsArePerVmAndPerOverride() {
    AgentPolicy tight = AgentPolicy.builder()
        .rateLimit(OperationClass.ALL, new RateLimit(1, Duration.ofHours(1))).build();
    PolicyGuard guard = PolicyGuard.of(AgentPolicy.builder()
        .rateLimit(OperationClass.ALL, new RateLimit(2, Duration.ofHours(1)))
        .vm("vm-tight", tight).build());
    GuardedCall a = GuardedCall.builder("vm-a", GuestOperation.PING).build();
    GuardedCall b = GuardedCall.builder("vm-b", GuestOperation.PING).build();
    GuardedCall t = GuardedCall.builder("vm-tight", GuestOperation.PING).build();
    assertThat(guard.check(a).allowed()).isTrue();
    assertThat(guard.check(a).allowed()).isTrue();
    assertThat(guard.check(a).rule()).isEqualTo("rateLimits.all");
    assertThat(guard.check(b).allowed()).isTrue();
    assertThat(guard.check(t).allowed()).isTrue();
    assertThat(guard.check(t).allowed()).isFalse();
    // Thaw is never limited.
    assertThat(guard.check(GuardedCall.builder("vm-tight", GuestOperation.THAW).build())
        .allowed()).isTrue();
  }
}
