package io.quantix.agent.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.UpdateOptions;
import io.quantix.agent.client.UpdateResult;
import io.quantix.agent.it.Harness;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.AgentUpdateRequest;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.testkit.AsyncRequestHandler;
import io.quantix.agent.testkit.FakeGuestAgentBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** updates(): chunks with the SDK's SHA-256, the agent's verdict, restart and version check. */
class UpdateOpsIT {
  private static final String BINARY = "usr/local/bin/quantix-kvm-agent";
  private Harness h;

  @BeforeEach
  void setUp() {
    h = new Harness().awaitConnected();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private static byte[] binary(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** Answers exec like the agent does detached, then restarts the agent shortly after. */
  private void restartOnExec() {
    h.agent.onRequest(PayloadCase.EXECUTE, request -> {
      CompletableFuture.runAsync(h.agent::restartAgent,
          CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
      return AgentMessage.newBuilder().setExecuteResponse(ExecuteResponse.newBuilder()).build();
    });
  }

  @Test
  void pushSendsSequentialChunksWithTheChecksumAndReportsTheVerdict() throws Exception {
    byte[] data = binary(2 * 1024 * 1024 + 100);
    List<Long> progress = new CopyOnWriteArrayList<>();
    UpdateResult r = h.client.updates().push(data, "0.2.0", UpdateOptions.DEFAULT
        .withProgress((done, total) -> progress.add(done))).join();
    assertThat(r.sha256()).isEqualTo(sha256(data));
    assertThat(r.bytes()).isEqualTo(data.length);
    assertThat(r.chunks()).isEqualTo(3);
    assertThat(r.restartRequired()).isTrue();
    assertThat(r.reportedVersion()).isEqualTo("0.1.27");
    assertThat(r.restarted()).isFalse();
    assertThat(progress).containsExactly(1L << 20, 2L << 20, (long) data.length);
    assertThat(Files.readAllBytes(h.agent.sandbox().resolve(BINARY))).isEqualTo(data);
    assertThat(h.agent.guest().installedUpdate()).contains("0.2.0");

    List<AgentUpdateRequest> chunks = Ops.drain(h.agent, PayloadCase.AGENT_UPDATE).stream()
        .map(AgentMessage::getAgentUpdate).toList();
    assertThat(chunks).extracting(AgentUpdateRequest::getChunkNumber).containsExactly(0, 1, 2);
    assertThat(chunks).extracting(AgentUpdateRequest::getIsLastChunk)
        .containsExactly(false, false, true);
    assertThat(chunks.get(0).getChecksumSha256()).isEqualTo(sha256(data));
    assertThat(chunks.get(0).getTotalSize()).isEqualTo(data.length);
    assertThat(chunks).allMatch(c -> c.getTargetVersion().equals("0.2.0"));
  }

  @Test
  void aFileIsHashedThenSent(@TempDir Path dir) throws Exception {
    byte[] data = binary(300_000);
    Path file = dir.resolve("agent");
    Files.write(file, data);
    UpdateResult r = h.client.updates().push(file, "0.2.1", UpdateOptions.DEFAULT
        .withChunkSize(128 * 1024)).join();
    assertThat(r.sha256()).isEqualTo(sha256(data));
    assertThat(r.chunks()).isEqualTo(3);
    assertThat(Files.readAllBytes(h.agent.sandbox().resolve(BINARY))).isEqualTo(data);
  }

  @Test
  void withRestartTheNewVersionMustAnnounceItself() throws Exception {
    restartOnExec();
    UpdateResult r = h.client.updates().push(binary(4096), "0.2.0",
        UpdateOptions.DEFAULT.withRestart(Duration.ofSeconds(10))).join();
    assertThat(r.restarted()).isTrue();
    assertThat(r.runningVersion()).isEqualTo("0.2.0");
    assertThat(h.client.agentInfo().orElseThrow().version()).isEqualTo("0.2.0");
    ExecuteRequest exec = Ops.drain(h.agent, PayloadCase.EXECUTE).get(0).getExecute();
    assertThat(exec.getWaitForExit()).isFalse();
    assertThat(exec.getCommand()).isEqualTo("systemctl");
    assertThat(exec.getArgsList()).containsExactly("--no-block", "restart", "quantix-kvm-agent");
  }

  @Test
  void aFailedVerifyIsTheGuestsError() {
    AsyncRequestHandler builtIn = h.agent.defaultHandler(PayloadCase.AGENT_UPDATE);
    h.agent.onRequestAsync(PayloadCase.AGENT_UPDATE, request -> {
      AgentUpdateRequest u = request.getAgentUpdate();
      return builtIn.handle(u.getChunkNumber() != 0 ? request : request.toBuilder()
          .setAgentUpdate(u.toBuilder().setChecksumSha256("00".repeat(32))).build());
    });
    AgentException e = Ops.failure(h.client.updates().push(binary(1000), "0.2.0",
        UpdateOptions.DEFAULT.withRestart(Duration.ofSeconds(5))));
    assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.remoteMessage()).get().asString().contains("Checksum mismatch");
    assertThat(h.agent.guest().installedUpdate()).isEmpty();
  }

  @Test
  void aRestartedAgentWithAnotherVersionIsAClearError() {
    h.agent.onRequest(PayloadCase.EXECUTE, request -> {
      h.agent.sendEvent(AgentMessage.newBuilder().setAgentReady(AgentReadyEvent.newBuilder()
          .setVersion("0.1.99").addAllCapabilities(FakeGuestAgentBuilder.DEFAULT_CAPABILITIES))
          .build());
      return AgentMessage.newBuilder().setExecuteResponse(ExecuteResponse.newBuilder()).build();
    });
    AgentException e = Ops.failure(h.client.updates().push(binary(1000), "0.2.0",
        UpdateOptions.DEFAULT.withRestart(Duration.ofSeconds(10))));
    assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.getMessage()).contains("0.1.99", "expected 0.2.0");
  }

  @Test
  void anAgentThatNeverComesBackFailsAfterTheRestartTimeout() {
    h.agent.onRequest(PayloadCase.EXECUTE, request -> AgentMessage.newBuilder()
        .setExecuteResponse(ExecuteResponse.newBuilder()).build());
    AgentException e = Ops.failure(h.client.updates().push(binary(1000), "0.2.0",
        UpdateOptions.DEFAULT.withRestart(Duration.ofSeconds(1))));
    assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.getMessage()).contains("AgentReady");
  }

  @Test
  void aRestartCommandThatCannotRunFailsTheUpdate() {
    h.agent.scriptCommand("/nonexistent/restart", ExecuteResponse.newBuilder().setExitCode(-1)
        .setError("Failed to spawn: No such file or directory (os error 2)").build());
    AgentException e = Ops.failure(h.client.updates().push(binary(1000), "0.2.0",
        UpdateOptions.DEFAULT.withRestart(Exec.shell("/nonexistent/restart"),
            Duration.ofSeconds(5))));
    assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.getMessage()).contains("restart command failed", "Failed to spawn");
    assertThat(h.agent.guest().installedUpdate()).contains("0.2.0");
  }

  @Test
  void aThrowingProgressCallbackStopsTheUpdateInsteadOfHangingIt() {
    AgentException e = Ops.failure(h.client.updates().push(binary(3000), "0.2.0",
        UpdateOptions.DEFAULT.withChunkSize(1000).withProgress((done, total) -> {
          throw new IllegalStateException("progress bar gone");
        })));
    assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("progress bar gone");
  }

  @Test
  void badArgumentsFailBeforeAnyIo() {
    long before = h.agent.requestCount();
    for (CompletableFuture<?> f : List.of(
        h.client.updates().push(new byte[10], "../0.2.0", UpdateOptions.DEFAULT),
        h.client.updates().push(new byte[10], "", UpdateOptions.DEFAULT),
        h.client.updates().push(new byte[0], "0.2.0", UpdateOptions.DEFAULT),
        h.client.updates().push((byte[]) null, "0.2.0", UpdateOptions.DEFAULT),
        h.client.updates().push(new byte[10], "0.2.0", null),
        h.client.updates().push(Path.of("/nonexistent/agent"), "0.2.0", UpdateOptions.DEFAULT))) {
      assertThat(Ops.failure(f).code()).isEqualTo(Code.INVALID_ARGUMENT);
    }
    assertThat(h.agent.requestCount()).isEqualTo(before);
  }
}
