package io.quantix.agent.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.GuestSnapshots;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.client.Quiesced;
import io.quantix.agent.client.Thawed;
import io.quantix.agent.it.Harness;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.QuiesceFilesystemsRequest;
import io.quantix.agent.proto.ThawFilesystemsRequest;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.ScriptedReply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** snapshots(): quiesce and thaw, and withQuiesced thawing in every outcome. */
class SnapshotOpsIT {
  private Harness h;
  private GuestSnapshots snapshots;

  @BeforeEach
  void setUp() {
    h = new Harness().awaitConnected();
    snapshots = h.client.snapshots();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void awaitThawed() {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !h.agent.guest().frozen());
  }

  @Test
  void quiesceAlwaysSendsAFiniteTimeoutAndThawReleasesEverything() throws Exception {
    Instant before = Instant.now();
    Quiesced q = snapshots.quiesce(QuiesceSpec.allFilesystems()).join();
    assertThat(h.agent.guest().frozen()).isTrue();
    assertThat(q.token()).isNotEmpty();
    assertThat(q.filesystems()).extracting(Quiesced.Filesystem::mountPoint)
        .containsExactly("/", "/boot");
    assertThat(q.filesystems()).allMatch(Quiesced.Filesystem::frozen);
    assertThat(q.autoThawAt()).isAfter(before.plusSeconds(55));
    assertThat(q.autoThawEstimate())
        .isBetween(before.plusSeconds(59), Instant.now().plusSeconds(60));

    Thawed t = snapshots.thaw().join();
    assertThat(t.mountPoints()).containsExactlyInAnyOrder("/", "/boot");
    assertThat(h.agent.guest().frozen()).isFalse();

    QuiesceFilesystemsRequest sent = Ops.drain(h.agent, PayloadCase.QUIESCE).get(0).getQuiesce();
    assertThat(sent.getTimeoutSeconds()).isEqualTo(60);
    assertThat(sent.getMountPointsList()).isEmpty();
  }

  @Test
  void theSpecsMountPointsTimeoutAndScriptsAreSent() throws Exception {
    QuiesceSpec spec = QuiesceSpec.of("/boot").withGuestTimeout(Duration.ofSeconds(5))
        .withPreFreezeScripts("/opt/pre").withPostThawScripts("");
    snapshots.quiesce(spec).join();
    assertThat(h.agent.guest().frozenMountPoints()).containsExactly("/boot");
    snapshots.thaw(spec).join();
    List<AgentMessage> sent = Ops.drain(h.agent, PayloadCase.QUIESCE);
    QuiesceFilesystemsRequest q = sent.get(0).getQuiesce();
    assertThat(q.getTimeoutSeconds()).isEqualTo(5);
    assertThat(q.getRunPreFreezeScripts()).isTrue();
    assertThat(q.getPreFreezeScriptDir()).isEqualTo("/opt/pre");
    assertThat(q.getMountPointsList()).containsExactly("/boot");
  }

  @Test
  void aFailedFreezeIsTheGuestsText() {
    AgentException e = Ops.failure(snapshots.quiesce(QuiesceSpec.of("/nope")));
    assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.remoteMessage()).get().asString().contains("not a mount point");
    AtomicBoolean ran = new AtomicBoolean();
    AgentException viaRun = Ops.failure(snapshots.withQuiesced(QuiesceSpec.of("/nope"), q -> {
      ran.set(true);
      return CompletableFuture.completedFuture(null);
    }));
    assertThat(viaRun.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(ran).isFalse();
  }

  @Test
  void withQuiescedRunsTheActionWhileFrozenThenThaws() throws Exception {
    AtomicBoolean frozenDuringAction = new AtomicBoolean();
    AtomicReference<Quiesced> seen = new AtomicReference<>();
    String id = snapshots.withQuiesced(QuiesceSpec.allFilesystems(), q -> {
      seen.set(q);
      frozenDuringAction.set(h.agent.guest().frozen());
      return CompletableFuture.supplyAsync(() -> "snap-1");
    }).join();
    assertThat(id).isEqualTo("snap-1");
    assertThat(frozenDuringAction).isTrue();
    assertThat(h.agent.guest().frozen()).isFalse();
    ThawFilesystemsRequest thaw = Ops.drain(h.agent, PayloadCase.THAW).get(0).getThaw();
    assertThat(thaw.getQuiesceToken()).isEqualTo(seen.get().token());
    assertThat(thaw.getMountPointsList()).isEmpty();
  }

  @Test
  void theActionsFailureIsReportedAfterTheThaw() {
    IllegalStateException boom = new IllegalStateException("hypervisor refused the snapshot");
    Throwable cause = Ops.cause(snapshots.withQuiesced(QuiesceSpec.allFilesystems(),
        q -> CompletableFuture.failedFuture(boom)));
    assertThat(cause).isSameAs(boom);
    assertThat(h.agent.guest().frozen()).isFalse();

    Throwable thrown = Ops.cause(snapshots.withQuiesced(QuiesceSpec.allFilesystems(), q -> {
      throw new IllegalArgumentException("bad snapshot name");
    }));
    assertThat(thrown).hasMessage("bad snapshot name");
    assertThat(h.agent.guest().frozen()).isFalse();
  }

  @Test
  void cancellingThawsAndCancelsTheAction() {
    CompletableFuture<String> action = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> run = snapshots.withQuiesced(QuiesceSpec.allFilesystems(), q -> {
      started.countDown();
      return action;
    });
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> started.getCount() == 0);
    assertThat(h.agent.guest().frozen()).isTrue();
    run.cancel(true);
    awaitThawed();
    assertThat(action).isCancelled();
    assertThat(h.agent.guest().autoThaws()).isZero();
  }

  @Test
  void cancellingBeforeTheFreezeIsAnsweredStillThawsOnceItIs() {
    h.agent.fault(PayloadCase.QUIESCE, Fault.delay(Duration.ofMillis(300)));
    AtomicBoolean ran = new AtomicBoolean();
    CompletableFuture<String> run = snapshots.withQuiesced(QuiesceSpec.allFilesystems(), q -> {
      ran.set(true);
      return CompletableFuture.completedFuture("x");
    });
    run.cancel(true);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> !Ops.drain(h.agent, PayloadCase.THAW).isEmpty());
    awaitThawed();
    assertThat(ran).isFalse();
  }

  @Test
  void anActionOutlivingTheFreezeWindowFailsAndIsThawed() {
    CompletableFuture<String> action = new CompletableFuture<>();
    AgentException e = Ops.failure(snapshots.withQuiesced(QuiesceSpec.allFilesystems()
        .withGuestTimeout(Duration.ofSeconds(1)), q -> action));
    assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
    assertThat(e.getMessage()).contains("not be consistent");
    assertThat(action).isCancelled();
    awaitThawed();
  }

  @Test
  void aLostConnectionWithTheAgentBackIsThawedAfterTheReconnect() {
    String id = snapshots.withQuiesced(QuiesceSpec.allFilesystems(), q -> {
      h.agent.dropConnections();
      return CompletableFuture.completedFuture("snap-2");
    }).join();
    assertThat(id).isEqualTo("snap-2");
    assertThat(h.agent.guest().frozen()).isFalse();
  }

  @Test
  void aThawThatCannotBeDeliveredSaysWhenTheGuestThawsByItself() {
    AtomicReference<Quiesced> seen = new AtomicReference<>();
    CompletableFuture<String> run = snapshots.withQuiesced(QuiesceSpec.allFilesystems()
        .withThawTimeout(Duration.ofSeconds(5)), q -> {
          seen.set(q);
          h.agent.close();
          return CompletableFuture.completedFuture("snap-3");
        });
    AgentException e = Ops.failure(run);
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e.getMessage()).contains("thaws its filesystems by itself at")
        .contains(seen.get().autoThawAt().toString())
        .contains(seen.get().autoThawEstimate().toString());
  }

  @Test
  void aFreezeWhoseReplyWasLostIsThawedAnyway() {
    h.agent.enqueue(PayloadCase.QUIESCE, ScriptedReply.fault(Fault.closeBeforeReply()));
    AtomicBoolean ran = new AtomicBoolean();
    AgentException e = Ops.failure(snapshots.withQuiesced(QuiesceSpec.allFilesystems(), q -> {
      ran.set(true);
      return CompletableFuture.completedFuture("x");
    }));
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e.mayHaveRun()).isTrue();
    assertThat(e.getMessage()).contains("may have frozen");
    assertThat(ran).isFalse();
    assertThat(h.agent.guest().frozen()).isFalse();
  }

  @Test
  void aBlockingActionRunsOnTheGivenExecutor() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      AtomicReference<String> thread = new AtomicReference<>();
      String id = snapshots.withQuiesced(QuiesceSpec.allFilesystems(), pool, () -> {
        thread.set(Thread.currentThread().getName());
        return h.agent.guest().frozen() ? "consistent" : "torn";
      }).join();
      assertThat(id).isEqualTo("consistent");
      assertThat(thread.get()).startsWith("pool-");
      assertThat(h.agent.guest().frozen()).isFalse();

      CountDownLatch interrupted = new CountDownLatch(1);
      CountDownLatch running = new CountDownLatch(1);
      CompletableFuture<String> slow = snapshots.withQuiesced(QuiesceSpec.allFilesystems(), pool,
          () -> {
            running.countDown();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException ie) {
              interrupted.countDown();
            }
            return "never";
          });
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      slow.cancel(true);
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
      awaitThawed();
    } finally {
      pool.shutdownNow();
    }
  }
}
