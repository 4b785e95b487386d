package io.quantix.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AuditRecord;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.proto.ExecuteResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rules enforced over a real socket: denied calls never reach the agent; allowed ones work. */
@Timeout(60)
class PolicyEnforcementTest {
  @TempDir
  Path sandbox;
  private PolicyHarness h;

  @BeforeEach
  void setUp() {
    AgentPolicy policy = AgentPolicy.builder()
        .blockCommands("rm")
        .writePaths("/tmp").readPaths("/tmp").listPaths("/tmp").deletePaths("/tmp")
        .maxTransferBytes(1024)
        .maxExecTimeout(Duration.ofSeconds(30))
        .denyOperations(GuestOperation.HALT)
        .build();
    h = new PolicyHarness(sandbox, policy);
    h.agent.scriptCommand("uname -a", ExecuteResponse.newBuilder().setExitCode(0)
        .setStdout("Linux\n").build());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private AgentException denied(CompletableFuture<?> call, String rule) {
    long before = h.agent.requestCount();
    Throwable t = catchThrowable(call::join);
    AgentException e = AgentException.from(t);
    assertThat(e.code()).as("%s", e).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(e.mayHaveRun()).isFalse();
    assertThat(e.getMessage()).contains("rule " + rule);
    assertThat(h.agent.requestCount()).as("nothing sent").isEqualTo(before);
    return e;
  }

  @Test
  void deniedExecFailsBeforeAnyIoNamingTheRule() {
    long before = h.agent.requestCount();
    AgentException e = denied(h.client.exec(Exec.shell("rm -rf /tmp/x")), "commands.block");
    assertThat(e.getMessage()).startsWith(PolicyHarness.VM + ": exec denied by rule");
    assertThat(h.agent.requestCount()).isEqualTo(before);
    assertThat(h.client.exec(Exec.shell("uname -a").withTimeout(Duration.ofSeconds(10))).join()
        .stdout()).isEqualTo("Linux\n");
  }

  @Test
  void execTimeoutAboveTheMaximumIsDenied() {
    denied(h.client.exec(Exec.shell("uname -a")), "maxExecTimeout");  // 0 = the agent's 300 s
  }

  @Test
  void uploadsAreJudgedOnceByPathAndSize() throws Exception {
    denied(h.client.upload(new byte[10], "/etc/cron.d/evil", UploadOptions.DEFAULT),
        "paths.write");
    denied(h.client.upload(new byte[2048], "/tmp/big", UploadOptions.DEFAULT),
        "maxTransferBytes");
    denied(h.client.upload(new ByteArrayInputStream(new byte[10]), "/tmp/stream",
        UploadOptions.DEFAULT), "maxTransferBytes");
    Path local = Files.write(sandbox.getParent().resolve("local-" + System.nanoTime()),
        new byte[100]);
    try {
      h.client.files().mkdirs("/tmp").join();
      assertThat(h.client.upload(local, "/tmp/ok", UploadOptions.DEFAULT.withChunkSize(16)).join()
          .bytes()).isEqualTo(100);
    } finally {
      Files.deleteIfExists(local);
    }
    // Seven chunks, one verdict: no rate limit or audit counts chunks.
    assertThat(h.records).filteredOn(r -> r.operation() == GuestOperation.UPLOAD)
        .extracting(AuditRecord::outcome)
        .containsExactly("PERMISSION_DENIED", "PERMISSION_DENIED", "PERMISSION_DENIED", "OK");
  }

  @Test
  void readsListingsAndDeletesFollowTheirPrefixes() {
    denied(h.client.download("/etc/shadow", new ByteArrayOutputStream(), DownloadOptions.DEFAULT),
        "paths.read");
    denied(h.client.files().stat("/etc/shadow"), "paths.read");
    denied(h.client.files().list("/etc"), "paths.list");
    denied(h.client.files().delete("/var/lib/important"), "paths.delete");
    denied(h.client.files().mkdir("/etc/x", false, 0755), "paths.write");
    h.client.files().mkdirs("/tmp/a/b").join();
    assertThat(h.client.files().list("/tmp/a").join()).hasSize(1);
  }

  @Test
  void deniedOperationsAreDeniedAndAudited() {
    denied(h.client.lifecycle().halt(io.quantix.agent.client.PowerOptions.NOW),
        "operations.deny");
    AuditRecord r = h.awaitRecords(1).get(0);
    assertThat(r.operation()).isEqualTo(GuestOperation.HALT);
    assertThat(r.outcome()).isEqualTo("PERMISSION_DENIED");
    assertThat(r.mayHaveRun()).isFalse();
    assertThat(r.detail()).contains("operations.deny");
  }

  @Test
  void coreRefusesTraversalBeforeThePolicyIsAsked() {
    // The SDK's own argument checks already refuse '..' and NUL; the policy is a second wall.
    Throwable t = catchThrowable(() -> h.client.files().stat("/tmp/../etc/shadow").join());
    assertThat(AgentException.from(t).code()).isEqualTo(Code.INVALID_ARGUMENT);
    t = catchThrowable(() -> h.client.files().stat("//etc//shadow").join());
    assertThat(AgentException.from(t).code()).isEqualTo(Code.PERMISSION_DENIED);
  }
}
