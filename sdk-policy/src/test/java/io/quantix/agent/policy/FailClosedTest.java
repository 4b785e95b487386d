package io.quantix.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.proto.ExecuteResponse;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing audit sink is counted and surfaced, and with {@code audit.failClosed} mutating calls
 * are denied until it writes again; reads go on.
 */
@Timeout(60)
class FailClosedTest {
  @TempDir
  Path dir;

  /** Opens the real file unless broken; remembers the channel so a test can break it. */
  static final class BreakableFile implements JsonLinesAuditSink.Opener {
    final AtomicBoolean broken = new AtomicBoolean();
    final AtomicReference<FileChannel> open = new AtomicReference<>();

    @Override
    public FileChannel open(Path file) throws IOException {
      if (broken.get()) {
        throw new IOException("No space left on device");
      }
      FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      open.set(c);
      return c;
    }

    /** The disk "fills": the open file fails its next write, reopening fails. */
    void breakNow() throws IOException {
      broken.set(true);
      open.get().close();
    }
  }

  @Test
  void failingAuditDeniesMutatingCallsUntilItWritesAgain() throws Exception {
    BreakableFile disk = new BreakableFile();
    Path file = dir.resolve("audit.jsonl");
    Files.createDirectories(dir.resolve("sandbox"));
    JsonLinesAuditSink sink = JsonLinesAuditSink.builder(file).opener(disk).build();
    AgentPolicy policy = AgentPolicy.builder().auditFailClosed(true).build();
    try (PolicyHarness h = new PolicyHarness(dir.resolve("sandbox"), PolicyGuard.of(policy, sink),
        sink)) {
      h.agent.scriptCommand("true x", ExecuteResponse.newBuilder().setExitCode(0).build());
      Exec ok = Exec.program("true", "x").withTimeout(Duration.ofSeconds(5));
      h.client.exec(ok).join();
      h.awaitRecords(1);
      assertThat(sink.written()).isEqualTo(1);

      disk.breakNow();
      // The record of this call is the one that cannot be written: counted, surfaced.
      h.client.exec(ok).join();
      h.awaitRecords(2);
      assertThat(sink.failed()).isEqualTo(1);
      assertThat(sink.healthy()).isFalse();
      assertThat(sink.lastFailure()).contains("ClosedChannelException");

      long before = h.agent.requestCount();
      Throwable t = catchThrowable(() -> h.client.exec(ok).join());
      AgentException e = AgentException.from(t);
      assertThat(e.code()).isEqualTo(Code.PERMISSION_DENIED);
      assertThat(e.mayHaveRun()).isFalse();
      assertThat(e.getMessage()).contains("rule audit.failClosed")
          .contains("the audit cannot be written: java.nio.channels.ClosedChannelException");
      assertThat(h.agent.requestCount()).isEqualTo(before);
      // The denial's record could not be written either: reopening the file failed.
      assertThat(sink.failed()).isEqualTo(2);
      assertThat(sink.lastFailure()).contains("No space left on device");
      h.client.ping().join();  // reads do not need the audit
      // Thaw is never refused, even fail-closed: a guest must not stay frozen.
      h.client.snapshots().thaw().join();

      disk.broken.set(false);
      // Once the disk has room again, the next record (here: the thaw's, already in flight or
      // the next denial's) reopens the file and calls go through again.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
        try {
          h.client.exec(ok).join();
          return true;
        } catch (RuntimeException stillDenied) {
          return false;
        }
      });
      assertThat(sink.healthy()).isTrue();
      assertThat(Files.readAllLines(file)).isNotEmpty();
    } finally {
      sink.close();
    }
    assertThat(GuestOperation.THAW.mutating()).isTrue();
  }

  @Test
  void failClosedWithoutAWatchedSinkDeniesMutatingCalls() {
    PolicyGuard guard = PolicyGuard.of(AgentPolicy.builder().auditFailClosed(true).build());
    assertThat(guard.check(io.quantix.agent.client.GuardedCall.builder("vm",
        GuestOperation.DELETE).path("/tmp/x").build()).rule()).isEqualTo("audit.failClosed");
    assertThat(guard.check(io.quantix.agent.client.GuardedCall.builder("vm",
        GuestOperation.STAT).path("/tmp/x").build()).allowed()).isTrue();
  }
}
