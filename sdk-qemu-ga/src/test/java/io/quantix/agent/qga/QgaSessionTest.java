package io.quantix.agent.qga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quantix.agent.AgentException;
import io.quantix.agent.qga.fake.FakeAccess;
import io.quantix.agent.qga.fake.FakeQemuGa;
import io.quantix.agent.transport.Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Session and operation behaviour that needs the fake's scripting. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QgaSessionTest {
  @TempDir Path dir;
  private FakeQemuGa fake;
  private final List<QgaClient> clients = new ArrayList<>();

  private QgaClient client(QgaOptions options) throws Exception {
    if (fake == null) {
      fake = FakeQemuGa.start(dir.resolve("qga.sock"));
    }
    QgaClient c = QgaClient.builder().endpoint(Endpoint.unix(fake.socket())).options(options)
        .label("vm-test").build();
    clients.add(c);
    return c;
  }

  @AfterEach
  void close() {
    clients.forEach(QgaClient::close);
    if (fake != null) {
      assertThat(fake.unreadCloses()).isZero();
      fake.close();
    }
  }

  static AgentException failure(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (CompletionException e) {
      return AgentException.from(e);
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void disabledCommandsFailBeforeAnyIoOnceInfoIsKnown() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    fake.block(Set.of("guest-get-users"));
    qga.ping().join();
    await().until(() -> qga.status().guestInfo().isPresent());
    int before = fake.requests().size();
    assertThat(failure(qga.users()).code()).isEqualTo(AgentException.Code.NOT_SUPPORTED);
    assertThat(fake.requests()).hasSize(before);
  }

  @Test
  void syncSkipsStaleRepliesAndAForeignSentinelReply() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    byte[] stale = ("{\"return\": {\"count\": 3}}\n{\"error\":{\"class\":\"GenericError\"}}\n"
        + "\u00ff{\"return\": 12345}\n{\"return\"").getBytes(StandardCharsets.ISO_8859_1);
    fake.staleOnNextConnect(stale);
    assertThat(qga.hostName().join()).isEqualTo("fake-guest");
  }

  @Test
  void queueIsBoundedAndQueuedCallsExpireWithoutBeingSent() throws Exception {
    QgaClient qga = client(QgaOptions.builder().maxQueued(2).fetchInfoOnConnect(false).build());
    qga.ping().join();
    CountDownLatch hold = fake.hold("guest-get-host-name");
    CompletableFuture<String> onWire = qga.hostName();
    await().until(() -> fake.requests().contains("guest-get-host-name"));
    CompletableFuture<?> queued = qga.withTimeout(Duration.ofMillis(200)).osInfo();
    CompletableFuture<?> second = qga.timezone();
    AgentException full = failure(qga.users());
    assertThat(full.code()).isEqualTo(AgentException.Code.RESOURCE_EXHAUSTED);
    AgentException expired = failure(queued);
    assertThat(expired.code()).isEqualTo(AgentException.Code.DEADLINE_EXCEEDED);
    assertThat(expired.mayHaveRun()).isFalse();
    hold.countDown();
    assertThat(onWire.join()).isEqualTo("fake-guest");
    second.join();
    assertThat(fake.requests()).doesNotContain("guest-get-osinfo", "guest-get-users");
  }

  @Test
  void shutdownSucceedsOnEofAndTheNextCallReconnects() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    qga.shutdown(PowerMode.REBOOT).join();
    assertThat(FakeAccess.lastShutdownMode(fake)).isEqualTo("reboot");
    qga.ping().join();
    assertThat(fake.connections()).isEqualTo(2);
  }

  @Test
  void shutdownErrorReplyFails() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    fake.fail("guest-shutdown", "GenericError", "shutdown binary missing");
    AgentException e = failure(qga.shutdown(PowerMode.POWERDOWN));
    assertThat(e.code()).isEqualTo(AgentException.Code.REMOTE_FAILURE);
    assertThat(e.remoteMessage()).contains("shutdown binary missing");
  }

  @Test
  void withFrozenThawsOnSuccessFailureAndThrow() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    assertThat(qga.withFrozen(() -> {
      assertThat(FakeAccess.frozen(fake)).isTrue();
      return CompletableFuture.completedFuture("snap");
    }).join()).isEqualTo("snap");
    assertThat(FakeAccess.frozen(fake)).isFalse();
    CompletableFuture<Object> failed = qga.withFrozen(
        () -> CompletableFuture.failedFuture(new IllegalStateException("snapshot failed")));
    assertThat(failed).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
        .withRootCauseInstanceOf(IllegalStateException.class);
    assertThat(FakeAccess.frozen(fake)).isFalse();
    CompletableFuture<Object> thrown = qga.withFrozen(() -> {
      throw new IllegalArgumentException("bad");
    });
    assertThat(thrown).failsWithin(Duration.ofSeconds(10));
    assertThat(FakeAccess.frozen(fake)).isFalse();
    assertThat(qga.freezeStatus().join()).isEqualTo(FreezeStatus.THAWED);
  }

  @Test
  void frozenAgentRefusesOtherCommandsAsNotSupported() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    assertThat(qga.freeze().join()).isEqualTo(1);
    assertThat(failure(qga.hostName()).code()).isEqualTo(AgentException.Code.NOT_SUPPORTED);
    assertThat(qga.thaw().join()).isEqualTo(1);
    assertThat(qga.hostName().join()).isEqualTo("fake-guest");
  }

  @Test
  void execPollsUntilExit() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    QgaExecResult r = qga.exec(QgaExec.shell("sleep 0.3; echo late")).join();
    assertThat(r.stdoutText()).isEqualTo("late\n");
    assertThat(fake.requests().stream().filter("guest-exec-status"::equals).count())
        .isGreaterThan(1);
  }

  @Test
  void execDeadlineNamesThePid() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    AgentException e = failure(qga.exec(QgaExec.shell("sleep 5")
        .withTimeout(Duration.ofMillis(300))));
    assertThat(e.code()).isEqualTo(AgentException.Code.DEADLINE_EXCEEDED);
    assertThat(e.getMessage()).contains("pid");
  }

  @Test
  void passwordIsSentBase64AndTheArrayCleared() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    char[] secret = "s3cret".toCharArray();
    qga.setUserPassword("root", secret, false).join();
    assertThat(new String(Base64.getDecoder().decode(FakeAccess.lastPassword(fake)),
        StandardCharsets.UTF_8)).isEqualTo("s3cret");
    assertThat(secret).containsOnly('\0');
  }

  @Test
  void overlongReplyFailsThatCallOnly() throws Exception {
    QgaClient qga = client(QgaOptions.builder().maxReplyBytes(4096).build());
    fake.script("guest-get-host-name", a -> com.fasterxml.jackson.databind.node.JsonNodeFactory
        .instance.objectNode().put("host-name", "x".repeat(10_000)));
    assertThat(failure(qga.hostName()).code()).isEqualTo(AgentException.Code.RESOURCE_EXHAUSTED);
    qga.ping().join();
  }

  @Test
  void handleIsClosedWhenAPushFailsOrIsCancelled() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    Path local = Files.write(dir.resolve("f.bin"), new byte[200_000]);
    String guest = dir.resolve("g.bin").toString();
    QgaTransferOptions o = QgaTransferOptions.DEFAULT.withChunkBytes(65536);
    fake.fail("guest-file-write", "GenericError", "No space left on device");
    assertThat(failure(qga.push(local, guest, o)).remoteMessage())
        .contains("No space left on device");
    assertThat(FakeAccess.openHandles(fake)).isZero();
    fake.close();
    fake = FakeQemuGa.start(dir.resolve("qga2.sock"));
    QgaClient second = QgaClient.builder().endpoint(Endpoint.unix(fake.socket())).build();
    clients.add(second);
    CountDownLatch hold = fake.hold("guest-file-write");
    CompletableFuture<QgaTransfer> push = second.push(local, guest, o);
    await().until(() -> fake.requests().contains("guest-file-write"));
    push.cancel(true);
    hold.countDown();
    await().until(() -> fake.requests().contains("guest-file-close"));
    await().until(() -> FakeAccess.openHandles(fake) == 0);
  }

  @Test
  void aThreadBlockedInJoinCompletesTheCallItself() throws Exception {
    QgaClient qga = client(QgaOptions.DEFAULT);
    qga.ping().join();
    CountDownLatch hold = fake.hold("guest-get-host-name");
    CompletableFuture<String> call = qga.hostName();
    CompletableFuture<Thread> completedOn = call.thenApply(h -> Thread.currentThread());
    Thread joiner = new Thread(call::join, "joiner");
    joiner.start();
    await().until(() -> joiner.getState() == Thread.State.WAITING);
    hold.countDown();
    joiner.join(30_000);
    assertThat(completedOn.join()).isSameAs(joiner);
  }

  @Test
  void aSlowAbandonedCommandDelaysTheResyncWithoutFailingQueuedCalls() throws Exception {
    QgaClient qga = client(QgaOptions.builder().syncTimeout(Duration.ofMillis(300)).build());
    qga.ping().join();
    CountDownLatch hold = fake.hold("guest-get-host-name");
    assertThat(failure(qga.withTimeout(Duration.ofMillis(100)).hostName()).code())
        .isEqualTo(AgentException.Code.DEADLINE_EXCEEDED);
    CompletableFuture<Void> next = qga.ping();
    await().until(() -> qga.status().state() == QgaState.NOT_RESPONDING);
    assertThat(next).isNotDone();
    hold.countDown();
    next.join();
    assertThat(qga.status().state()).isEqualTo(QgaState.READY);
  }
}
