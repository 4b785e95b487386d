package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.Pong;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.registry.AgentConnection;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link AgentConnection}: one endpoint, one line, over a real Unix socket to the fake agent. */
@Timeout(60)
class AgentConnectionIT {
  private final FakeGuestAgent agent = FakeGuestAgent.builder()
      .telemetryInterval(Duration.ofMillis(200)).build().start();

  @AfterEach
  void stopAgent() {
    agent.close();
  }

  @Test
  void oneLineOpensASessionThatPingsExecsAndTransfers() throws Exception {
    try (AgentConnection vm = AgentConnection.open(agent.endpoint())) {
      Pong pong = vm.ping().join();
      assertThat(pong.agentVersion()).isNotBlank();
      assertThat(vm.status().state()).isEqualTo(AgentState.CONNECTED);
      assertThat(vm.vmId()).isEqualTo(agent.endpoint());
      assertThat(vm.endpoints()).containsExactly(Endpoint.parse(agent.endpoint()));

      ExecResult r = vm.exec(Exec.program("echo", "hello")).join();
      assertThat(r.exitCode()).isZero();
      assertThat(r.stdout()).isEqualTo("hello\n");

      byte[] data = "one endpoint, one line\n".getBytes(StandardCharsets.UTF_8);
      vm.upload(data, "/tmp/one-line.txt", UploadOptions.DEFAULT.withCreateParents(true)).join();
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      vm.download("/tmp/one-line.txt", back, DownloadOptions.DEFAULT).join();
      assertThat(back.toByteArray()).isEqualTo(data);
      assertThat(vm.withTimeout(Duration.ofSeconds(5)).ping().join().agentVersion())
          .isEqualTo(pong.agentVersion());
    }
    // close() closed the single-client channel: nothing is left holding it.
    assertThat(agent.awaitNoConnections(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void callsAfterCloseFailWithUnavailableInsteadOfThrowing() {
    AgentConnection vm = AgentConnection.open(agent.endpoint());
    vm.ping().join();
    vm.close();
    vm.close(); // idempotent

    CompletableFuture<Pong> late = vm.ping();
    assertThat(failure(late).code()).isEqualTo(AgentException.Code.UNAVAILABLE);
    assertThat(vm.status().state()).isEqualTo(AgentState.CLOSED);
  }

  @Test
  void aBadEndpointFailsAtOnceWithInvalidArgument() {
    assertThatThrownBy(() -> AgentConnection.open("unix:relative/path.sock"))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> AgentConnection.open("nonsense"))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> AgentConnection.open((String) null))
        .isInstanceOf(AgentException.class);
    assertThatThrownBy(() -> AgentConnection.open(List.of(), b -> { }))
        .isInstanceOf(AgentException.class).hasMessageContaining("at least one endpoint");
  }

  @Test
  void aMissingSocketIsClassifiedAndAFallbackEndpointIsUsed(@TempDir Path dir) {
    Endpoint missing = Endpoint.unix(dir.resolve("nobody.agent.sock"));
    try (AgentConnection vm = AgentConnection.open(missing)) {
      Awaitility.await().atMost(Duration.ofSeconds(20))
          .until(() -> vm.status().state() == AgentState.NO_CHANNEL);
      AgentException down = failure(vm.withTimeout(Duration.ofSeconds(3)).ping());
      assertThat(down.code()).isIn(AgentException.Code.UNAVAILABLE,
          AgentException.Code.DEADLINE_EXCEEDED);
      assertThat(vm.status().failure()).isEqualTo(ConnectFailure.NO_CHANNEL);
    }

    try (AgentConnection vm = AgentConnection.open(
        List.of(missing, Endpoint.parse(agent.endpoint())),
        b -> b.connectTimeout(Duration.ofSeconds(3)))) {
      assertThat(vm.ping().join().agentVersion()).isNotBlank();
    }
  }

  private static AgentException failure(CompletableFuture<?> future) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(future::join);
    assertThat(t).isInstanceOf(CompletionException.class);
    assertThat(t.getCause()).isInstanceOf(AgentException.class);
    return (AgentException) t.getCause();
  }
}
