package io.quantix.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AuditRecord;
import io.quantix.agent.client.CallGuard;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.GuardVerdict;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The core's guard and audit SPI with plain lambdas, over a real socket. */
@Timeout(60)
class CallGuardSpiTest {
  @TempDir
  Path sandbox;

  @Test
  void guardSeesTheTypedCallOnTheCallersThread() {
    List<GuardedCall> seen = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    CallGuard guard = call -> {
      seen.add(call);
      threads.add(Thread.currentThread());
      return GuardVerdict.allow();
    };
    try (PolicyHarness h = new PolicyHarness(sandbox, guard, null)) {
      h.client.exec(Exec.program("id", "-u").asUser("app").inDirectory("/srv")
          .withEnv("API_KEY", "k-1").withEnv("LANG", "C").withTimeout(Duration.ofSeconds(7)))
          .join();
      GuardedCall exec = seen.get(seen.size() - 1);
      assertThat(threads.get(threads.size() - 1)).isSameAs(Thread.currentThread());
      assertThat(exec.operation()).isEqualTo(GuestOperation.EXEC);
      assertThat(exec.command()).isEqualTo("id");
      assertThat(exec.args()).containsExactly("-u");
      assertThat(exec.shellForm()).isFalse();
      assertThat(exec.user()).isEqualTo("app");
      assertThat(exec.workingDirectory()).isEqualTo("/srv");
      assertThat(exec.timeout()).isEqualTo(Duration.ofSeconds(7));
      assertThat(exec.arguments()).containsEntry("env.API_KEY", "****")
          .containsEntry("env.LANG", "C");
    }
  }

  @Test
  void aThrowingOrSilentGuardDeniesAndThawIsNeverAsked() {
    CallGuard broken = call -> {
      if (call.operation() == GuestOperation.PING) {
        throw new IllegalStateException("boom");
      }
      if (call.operation() == GuestOperation.THAW) {
        throw new AssertionError("thaw must not be put to the guard");
      }
      return call.operation() == GuestOperation.STAT ? null : GuardVerdict.allow();
    };
    try (PolicyHarness h = new PolicyHarness(sandbox, broken, null)) {
      AgentException e = AgentException.from(catchThrowable(() -> h.client.ping().join()));
      assertThat(e.code()).isEqualTo(Code.PERMISSION_DENIED);
      assertThat(e.getMessage()).contains("rule guard.error").contains("boom");
      e = AgentException.from(catchThrowable(() -> h.client.files().stat("/x").join()));
      assertThat(e.code()).isEqualTo(Code.PERMISSION_DENIED);
      assertThat(e.getMessage()).contains("no verdict");
      h.client.snapshots().thaw().join();
    }
  }

  @Test
  void aCancelledMutatingCallIsRecordedAsMayHaveRun() {
    try (PolicyHarness h = new PolicyHarness(sandbox, CallGuard.ALLOW_ALL, null)) {
      h.agent.fault(PayloadCase.QUIESCE, Fault.noReply());
      long before = h.agent.requestCount();
      CompletableFuture<?> q = h.client.snapshots().quiesce(QuiesceSpec.allFilesystems());
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> h.agent.requestCount() > before);
      q.cancel(true);
      AuditRecord r = h.awaitRecords(1).get(0);
      assertThat(r.operation()).isEqualTo(GuestOperation.QUIESCE);
      assertThat(r.outcome()).isEqualTo("CANCELLED");
      assertThat(r.mayHaveRun()).isTrue();
    }
  }
  @Test
  void theRestartOfAnAgentUpdateIsAnExecLikeAnyOtherAndKeepsThePrincipal() {
    List<GuardedCall> seen = new CopyOnWriteArrayList<>();
    CallGuard noExec = call -> {
      seen.add(call);
      return call.operation() == GuestOperation.EXEC
          ? GuardVerdict.deny("operations.deny", "exec is denied") : GuardVerdict.allow();
    };
    try (PolicyHarness h = new PolicyHarness(sandbox, noExec, null)) {
      Throwable t = catchThrowable(() -> h.client.withOptions(
              io.quantix.agent.client.CallOptions.DEFAULT.withPrincipal("ops-bot"))
          .updates().push(new byte[] {1, 2, 3}, "0.1.28",
              io.quantix.agent.client.UpdateOptions.DEFAULT.withRestart(Duration.ofSeconds(5)))
          .join());
      AgentException e = AgentException.from(t);
      assertThat(e.code()).isEqualTo(Code.PERMISSION_DENIED);
      assertThat(e.getMessage()).contains("installed, but the restart command failed")
          .contains("rule operations.deny");
      assertThat(seen).extracting(GuardedCall::operation)
          .containsExactly(GuestOperation.AGENT_UPDATE, GuestOperation.EXEC);
      assertThat(seen).allSatisfy(c -> assertThat(c.principal()).contains("ops-bot"));
    }
  }
}
