package io.quantix.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AuditRecord;
import io.quantix.agent.client.CallGuard;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.ClipboardContent;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.client.PowerOptions;
import io.quantix.agent.client.ProcessSignal;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.client.UpdateOptions;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.proto.ExecuteResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One audit record per mutating operation, end to end over a real socket, in the file too. */
@Timeout(120)
class AuditRecordsTest {
  @TempDir
  Path dir;

  private static void settle(Supplier<CompletableFuture<?>> call) {
    try {
      call.get().join();
    } catch (RuntimeException outcomeIsRecorded) {
      // Failures are recorded too; the test checks the records, not each result.
    }
  }

  @Test
  void everyMutatingOperationIsRecordedOnceAndReadsAreNot() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Files.createDirectories(dir.resolve("sandbox"));
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(file).build();
        PolicyHarness h = new PolicyHarness(dir.resolve("sandbox"), CallGuard.ALLOW_ALL, sink)) {
      h.agent.scriptCommand("uname -a", ExecuteResponse.newBuilder().setExitCode(0)
          .setStdout("Linux guest\n").build());
      AgentClient c = h.client.withOptions(CallOptions.DEFAULT.withPrincipal("alice"));
      c.ping().join();
      c.files().list("/").join();
      c.exec(Exec.shell("uname -a")).join();
      c.upload("hello".getBytes(StandardCharsets.UTF_8), "/upload.txt", UploadOptions.DEFAULT)
          .join();
      c.download("/upload.txt", new java.io.ByteArrayOutputStream(),
          io.quantix.agent.client.DownloadOptions.DEFAULT).join();
      c.files().mkdir("/made", false, 0755).join();
      c.files().delete("/upload.txt").join();
      settle(() -> c.lifecycle().resetPassword("root", "hunter2-pw".toCharArray(), false));
      settle(() -> c.lifecycle().configureNetwork("network: {version: 2}\n", false));
      settle(() -> c.lifecycle().setTime(Instant.parse("2026-01-01T00:00:00Z")));
      settle(() -> c.snapshots().quiesce(QuiesceSpec.allFilesystems()));
      settle(() -> c.snapshots().thaw());
      settle(() -> c.processes().kill(999999, ProcessSignal.TERM));
      settle(() -> c.services().restart("sshd"));
      settle(() -> c.updates().push(new byte[] {1, 2, 3}, "0.1.28", UpdateOptions.DEFAULT));
      settle(() -> c.desktop().setClipboard(ClipboardContent.text("clip-secret")));
      settle(() -> c.desktop().resizeDisplay(1024, 768));
      settle(() -> c.lifecycle().powerOff(PowerOptions.after(java.time.Duration.ofMinutes(5))));
      settle(() -> c.lifecycle().reboot(PowerOptions.after(java.time.Duration.ofMinutes(5))));
      settle(() -> c.lifecycle().halt(PowerOptions.after(java.time.Duration.ofMinutes(5))));

      List<GuestOperation> expected = List.of(GuestOperation.EXEC, GuestOperation.UPLOAD,
          GuestOperation.MKDIR, GuestOperation.DELETE, GuestOperation.RESET_PASSWORD,
          GuestOperation.CONFIGURE_NETWORK, GuestOperation.SYNC_TIME, GuestOperation.QUIESCE,
          GuestOperation.THAW, GuestOperation.KILL_PROCESS, GuestOperation.SERVICE_CONTROL,
          GuestOperation.AGENT_UPDATE, GuestOperation.CLIPBOARD_SET,
          GuestOperation.DISPLAY_RESIZE, GuestOperation.POWER_OFF, GuestOperation.REBOOT,
          GuestOperation.HALT);
      List<AuditRecord> records = h.awaitRecords(expected.size());
      assertThat(records).extracting(AuditRecord::operation)
          .containsExactlyInAnyOrderElementsOf(expected);
      Map<GuestOperation, AuditRecord> byOp = records.stream()
          .collect(Collectors.toMap(AuditRecord::operation, r -> r));
      for (AuditRecord r : records) {
        assertThat(r.vmId()).isEqualTo(PolicyHarness.VM);
        assertThat(r.principal()).contains("alice");
        assertThat(r.duration()).isPositive();
        assertThat(r.time()).isBefore(Instant.now().plusSeconds(1));
      }
      AuditRecord exec = byOp.get(GuestOperation.EXEC);
      assertThat(exec.outcome()).isEqualTo(AuditRecord.OK);
      assertThat(exec.mayHaveRun()).isTrue();
      assertThat(exec.arguments()).containsEntry("command", "uname -a");
      assertThat(exec.bytes()).isEqualTo("Linux guest\n".length());
      AuditRecord upload = byOp.get(GuestOperation.UPLOAD);
      assertThat(upload.outcome()).isEqualTo(AuditRecord.OK);
      assertThat(upload.bytes()).isEqualTo(5);
      assertThat(upload.arguments()).containsEntry("path", "/upload.txt");
      assertThat(byOp.get(GuestOperation.KILL_PROCESS).outcome()).isEqualTo("REMOTE_FAILURE");
      assertThat(byOp.get(GuestOperation.KILL_PROCESS).mayHaveRun()).isTrue();
      assertThat(byOp.get(GuestOperation.RESET_PASSWORD).arguments())
          .containsEntry("password", "****").containsEntry("username", "root");
      assertThat(byOp.get(GuestOperation.CLIPBOARD_SET).bytes()).isEqualTo(11);
      assertThat(byOp.get(GuestOperation.AGENT_UPDATE).bytes()).isEqualTo(3);

      // The file holds the same records, one valid JSON object per line, and no secret.
      List<String> lines = Files.readAllLines(file);
      assertThat(lines).hasSize(expected.size());
      ObjectMapper json = new ObjectMapper();
      for (String line : lines) {
        JsonNode n = json.readTree(line);
        assertThat(n.get("vm").asText()).isEqualTo(PolicyHarness.VM);
        assertThat(n.get("principal").asText()).isEqualTo("alice");
        assertThat(n.has("outcome") && n.has("mayHaveRun") && n.has("durationMicros")
            && n.has("bytes") && n.has("arguments") && n.has("time")).isTrue();
      }
      String all = String.join("\n", lines);
      assertThat(all).doesNotContain("hunter2-pw").doesNotContain("clip-secret")
          .doesNotContain("hello");
      assertThat(sink.written()).isEqualTo(expected.size());
      assertThat(sink.failed()).isZero();
    }
  }
}
