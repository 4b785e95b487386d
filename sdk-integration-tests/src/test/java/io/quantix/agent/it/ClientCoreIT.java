package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.Capabilities;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.Pong;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.testkit.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's basic operations end to end against the fake agent over a real Unix socket. */
class ClientCoreIT {
  private Harness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  static AgentException failure(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return AgentException.from(e);
    }
    throw new AssertionError("expected a failure, got " + f.join());
  }

  @Test
  void pingAnswersWithVersionAndUptime() {
    h = new Harness().awaitConnected();
    Pong pong = h.client.ping().join();
    assertThat(pong.agentVersion()).isEqualTo("0.1.27");
    assertThat(pong.roundTrip()).isPositive();
    assertThat(h.client.agentInfo()).get().extracting(AgentInfo::version).isEqualTo("0.1.27");
    assertThat(h.client.agentInfo().get().capabilities()).contains("execute", "self_update");
  }

  @Test
  void aCallerBlockedOnTheFutureTakesTheReplyItselfAndOthersGetTheCallbackExecutor() throws Exception {
    java.util.concurrent.atomic.AtomicInteger handedOver = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor(
        r -> new Thread(r, "it-callbacks"));
    try {
      h = new Harness(b -> b, r -> r.callbackExecutor(task -> {
        handedOver.incrementAndGet();
        pool.execute(task);
      })).awaitConnected();
      // The delayed pong makes sure the caller is parked in join() before the reply arrives.
      h.agent.enqueue(PayloadCase.PING, io.quantix.agent.testkit.ScriptedReply.fault(
          io.quantix.agent.testkit.Fault.delay(Duration.ofMillis(200))));
      int before = handedOver.get();
      Pong pong = h.client.ping().join();
      assertThat(pong.agentVersion()).isEqualTo("0.1.27");
      assertThat(handedOver.get()).as("completions handed to the callback executor").isEqualTo(before);

      h.agent.enqueue(PayloadCase.PING, io.quantix.agent.testkit.ScriptedReply.fault(
          io.quantix.agent.testkit.Fault.delay(Duration.ofMillis(200))));
      String thread = h.client.ping().thenApply(p -> Thread.currentThread().getName())
          .get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(thread).as("a dependent stage of a future nobody blocks on").isEqualTo("it-callbacks");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void capabilitiesComeFromTheAgent() {
    h = new Harness();
    Capabilities c = h.client.capabilities().join();
    assertThat(c.capabilities()).contains("file_read", "quiesce");
    assertThat(c.features()).containsEntry("fsfreeze", "true");
  }

  @Test
  void execRunsShellAndArgvAndAlwaysWaitsForExit() throws Exception {
    h = new Harness();
    ExecResult r = h.client.exec(Exec.shell("echo hello; echo oops >&2; exit 3")).join();
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("hello\n");
    assertThat(r.stderr()).isEqualTo("oops\n");
    ExecResult argv = h.client.exec(Exec.program("/bin/echo", "a b", "$HOME")
        .withEnv("X", "1")).join();
    assertThat(argv.stdout()).isEqualTo("a b $HOME\n");
    RecordedRequest first = take(PayloadCase.EXECUTE);
    ExecuteRequest sent = first.message().getExecute();
    assertThat(sent.getWaitForExit()).isTrue();
    ExecuteRequest second = take(PayloadCase.EXECUTE).message().getExecute();
    assertThat(second.getArgsList()).containsExactly("a b", "$HOME");
    assertThat(second.getEnvironmentMap()).containsEntry("X", "1");
  }

  @Test
  void execTimeoutAndDetachedRunsAsTheAgentDoes() {
    h = new Harness();
    ExecResult slow = h.client.exec(Exec.shell("sleep 5").withTimeout(Duration.ofSeconds(1))).join();
    assertThat(slow.timedOut()).isTrue();
    assertThat(slow.exitCode()).isEqualTo(-1);
    ExecResult detached = h.client.exec(Exec.shell("sleep 5").detached()).join();
    assertThat(detached.exitCode()).isZero();
  }

  @Test
  void uploadAndDownloadRoundTripInChunks(@TempDir Path dir) throws Exception {
    h = new Harness();
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    List<Long> progress = new CopyOnWriteArrayList<>();
    TransferResult up = h.client.upload(data, "/data/blob.bin", UploadOptions.DEFAULT
        .withCreateParents(true).withMode(0640).withProgress((done, total) -> progress.add(done)))
        .join();
    assertThat(up.bytes()).isEqualTo(data.length);
    assertThat(up.chunks()).isEqualTo(4);
    assertThat(progress).endsWith((long) data.length);
    assertThat(Files.readAllBytes(h.agent.sandbox().resolve("data/blob.bin"))).isEqualTo(data);

    List<FileWriteRequest> chunks = new ArrayList<>();
    RecordedRequest r;
    while ((r = h.agent.takeRequest(Duration.ofMillis(200))) != null) {
      if (r.payloadCase() == PayloadCase.FILE_WRITE) {
        chunks.add(r.message().getFileWrite());
      }
    }
    assertThat(chunks).extracting(FileWriteRequest::getChunkNumber).containsExactly(0, 1, 2, 3);
    assertThat(chunks.get(0).getOffset()).isZero();
    assertThat(chunks.get(3).getMode()).isEqualTo(0640);
    assertThat(chunks.get(0).getMode()).isZero();

    Path local = dir.resolve("copy.bin");
    TransferResult down = h.client.download("/data/blob.bin", local, DownloadOptions.DEFAULT).join();
    assertThat(down.bytes()).isEqualTo(data.length);
    assertThat(Files.readAllBytes(local)).isEqualTo(data);
  }

  @Test
  void emptyFileStillSendsOneChunk() throws Exception {
    h = new Harness();
    TransferResult up = h.client.upload(new byte[0], "/empty", UploadOptions.DEFAULT).join();
    assertThat(up.chunks()).isEqualTo(1);
    assertThat(Files.size(h.agent.sandbox().resolve("empty"))).isZero();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(h.client.download("/empty", out, DownloadOptions.DEFAULT).join().bytes()).isZero();
  }

  @Test
  void downloadCompletesDespiteShortReadsFromOldAgentBuilds() throws Exception {
    h = new Harness(b -> b.oldBuildReads(true), b -> b);
    byte[] data = new byte[2 * 1024 * 1024 + 5];
    new Random(3).nextBytes(data);
    Files.write(h.agent.sandbox().resolve("big"), data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TransferResult down = h.client.download("/big", out, DownloadOptions.DEFAULT).join();
    assertThat(out.toByteArray()).isEqualTo(data);
    assertThat(down.chunks()).isGreaterThan(2 * 64);
  }

  @Test
  void downloadRefusesFilesOverTheLimitAndMissingFiles() throws Exception {
    h = new Harness();
    Files.write(h.agent.sandbox().resolve("f"), new byte[1000]);
    AgentException tooBig = failure(h.client.download("/f", new ByteArrayOutputStream(),
        DownloadOptions.DEFAULT.withMaxBytes(999)));
    assertThat(tooBig.code()).isEqualTo(Code.RESOURCE_EXHAUSTED);
    AgentException missing = failure(h.client.download("/nope", new ByteArrayOutputStream(),
        DownloadOptions.DEFAULT));
    assertThat(missing.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(missing.remoteMessage()).get().asString().isNotEmpty();
  }

  @Test
  void badArgumentsFailBeforeAnyIo() throws Exception {
    h = new Harness().awaitConnected();
    long before = h.agent.requestCount();
    assertThat(failure(h.client.upload(new byte[1], "relative/path", UploadOptions.DEFAULT)).code())
        .isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(failure(h.client.download("/a/../b", new ByteArrayOutputStream(),
        DownloadOptions.DEFAULT)).code()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(failure(h.client.upload((byte[]) null, "/x", UploadOptions.DEFAULT)).code())
        .isEqualTo(Code.INVALID_ARGUMENT);
    assertThatThrownBy(() -> h.client.exec(null).join()).hasCauseInstanceOf(AgentException.class);
    assertThat(h.agent.requestCount()).isEqualTo(before);
  }

  @Test
  void telemetryArrivesAndIsCachedWithItsAge() {
    h = new Harness();
    List<Telemetry> seen = new CopyOnWriteArrayList<>();
    h.client.onTelemetry(seen::add);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
    Telemetry latest = h.client.latestTelemetry().orElseThrow();
    assertThat(latest.report().getMemoryTotalBytes()).isPositive();
    assertThat(latest.age()).isLessThan(Duration.ofSeconds(5));
    assertThat(h.registry.status(Harness.VM).telemetry()).isPresent();
  }

  @Test
  void outputIsUtf8() {
    h = new Harness();
    ExecResult r = h.client.exec(Exec.shell("printf 'h\\303\\251'")).join();
    assertThat(r.stdout().getBytes(StandardCharsets.UTF_8)).hasSize(3);
  }

  private RecordedRequest take(PayloadCase type) throws InterruptedException {
    while (true) {
      RecordedRequest r = h.agent.takeRequest(Duration.ofSeconds(5));
      assertThat(r).as("a recorded " + type).isNotNull();
      if (r.payloadCase() == type) {
        return r;
      }
    }
  }
}
