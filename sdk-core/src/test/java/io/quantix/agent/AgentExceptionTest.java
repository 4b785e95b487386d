package io.quantix.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException.Code;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class AgentExceptionTest {

  @Test
  void fromUnwrapsCompletionLayers() {
    AgentException inner = AgentException.of(Code.REMOTE_FAILURE, "x");
    assertThat(AgentException.from(new CompletionException(new ExecutionException(inner))))
        .isSameAs(inner);
    assertThat(AgentException.from(new CancellationException()).code()).isEqualTo(Code.CANCELLED);
    assertThat(AgentException.from(new IllegalStateException("boom")).code())
        .isEqualTo(Code.UNAVAILABLE);
  }

  @Test
  void connectFailuresCarryClassificationAndEndpoint() {
    AgentException e = AgentException.connectFailed(ConnectFailure.NO_CHANNEL, "unix:/x", null, null);
    assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(e.connectFailure()).isEqualTo(ConnectFailure.NO_CHANNEL);
    assertThat(e.endpoint()).contains("unix:/x");
    assertThat(e.getMessage()).contains("unix:/x").contains("NO_CHANNEL");
    assertThat(AgentException.connectFailed(ConnectFailure.NOT_SUPPORTED, "vsock://3:1", "", null)
        .code()).isEqualTo(Code.NOT_SUPPORTED);
  }

  @Test
  void remoteFailureKeepsTheGuestText() {
    AgentException e = AgentException.remote("stat /x", "No such file or directory (os error 2)");
    assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.remoteMessage()).contains("No such file or directory (os error 2)");
    assertThat(e.mayHaveRun()).isTrue();
    assertThat(e.withMayHaveRun(false).mayHaveRun()).isFalse();
    assertThat(e.withMayHaveRun(false).remoteMessage()).isEqualTo(e.remoteMessage());
  }
}
