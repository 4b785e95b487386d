package io.quantix.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantix.agent.client.AuditRecord;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size-based rotation, retention, fsync policies and counting of lost records. */
class JsonLinesAuditSinkTest {
  @TempDir
  Path dir;

  static AuditRecord record(int n) {
    return new AuditRecord(Instant.now(), GuardedCall.builder("vm-" + n, GuestOperation.DELETE)
        .path("/tmp/file-" + n).build(), AuditRecord.OK, true, Duration.ofMillis(1), 0, "");
  }

  @Test
  void rotatesBySizeKeepsMaxFilesAndLosesNothingWithinThem() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(file).maxFileBytes(1024)
        .maxFiles(3).fsync(FsyncPolicy.every(Duration.ofMillis(50))).build()) {
      for (int i = 0; i < 200; i++) {
        sink.onAudit(record(i));
      }
      assertThat(sink.written()).isEqualTo(200);
      assertThat(sink.failed()).isZero();
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("audit.jsonl", "audit.jsonl.1", "audit.jsonl.2", "audit.jsonl.3");
    ObjectMapper json = new ObjectMapper();
    List<Integer> seen = new ArrayList<>();
    for (String name : List.of("audit.jsonl.3", "audit.jsonl.2", "audit.jsonl.1", "audit.jsonl")) {
      Path p = dir.resolve(name);
      assertThat(Files.size(p)).isLessThanOrEqualTo(1024);
      for (String line : Files.readAllLines(p)) {
        seen.add(Integer.parseInt(json.readTree(line).get("vm").asText().substring(3)));
      }
    }
    // The newest records, in order, with none missing.
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i)).isEqualTo(seen.get(i - 1) + 1);
    }
    assertThat(seen.get(seen.size() - 1)).isEqualTo(199);
  }

  @Test
  void appendsToAnExistingFileAndCountsRecordsAfterClose() throws Exception {
    Path file = dir.resolve("a.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(file).build()) {
      sink.onAudit(record(1));
    }
    JsonLinesAuditSink again = JsonLinesAuditSink.builder(file).fsync(FsyncPolicy.NEVER).build();
    again.onAudit(record(2));
    again.close();
    again.onAudit(record(3));
    assertThat(again.failed()).isEqualTo(1);
    assertThat(again.healthy()).isFalse();
    assertThat(Files.readAllLines(file)).hasSize(2);
  }
}
