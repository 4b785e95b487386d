package io.quantix.agent.agentctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.ConnectFailure;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The mapping from failures to exit codes and one-line messages, and the duration syntax. */
class AgentctlFailuresTest {

  private static int exit(Throwable t) {
    return Failures.classify(t).exitCode();
  }

  @Test
  void agentCodesMapToExitCodes() {
    assertThat(exit(AgentException.connectFailed(ConnectFailure.VM_NOT_RUNNING, "unix:/x", "", null)))
        .isEqualTo(3);
    assertThat(exit(AgentException.connectFailed(ConnectFailure.NOT_SUPPORTED, "vsock://3:9443",
        "no AF_VSOCK", null))).isEqualTo(3);
    assertThat(exit(AgentException.of(Code.UNAVAILABLE, "session lost"))).isEqualTo(1);
    assertThat(exit(AgentException.of(Code.DEADLINE_EXCEEDED, "late"))).isEqualTo(4);
    assertThat(exit(AgentException.remote("stat", "Path not found"))).isEqualTo(5);
    assertThat(exit(AgentException.of(Code.PROTOCOL, "bad reply"))).isEqualTo(6);
    assertThat(exit(AgentException.invalidArgument("path must be absolute"))).isEqualTo(2);
    assertThat(exit(AgentException.of(Code.NOT_SUPPORTED, "no quiesce"))).isEqualTo(1);
    assertThat(exit(AgentException.of(Code.RESOURCE_EXHAUSTED, "too many"))).isEqualTo(1);
    assertThat(exit(AgentException.of(Code.CANCELLED, "cancelled"))).isEqualTo(1);
  }

  @Test
  void wrappersAreSeenThrough() {
    AgentException remote = AgentException.remote("read", "Permission denied");
    assertThat(exit(new CompletionException(remote))).isEqualTo(5);
    assertThat(exit(new ExecutionException(new CompletionException(remote)))).isEqualTo(5);
    assertThat(Failures.classify(new ExecutionException(remote)).message())
        .isEqualTo("read failed in the guest: Permission denied");
  }

  @Test
  void localFailures() {
    assertThat(Failures.classify(new NoSuchFileException("/tmp/x")))
        .isEqualTo(new Failures.Failure(1, "no such local file: /tmp/x"));
    assertThat(exit(CliError.usage("bad"))).isEqualTo(2);
    assertThat(exit(new IllegalStateException("boom"))).isEqualTo(1);
  }

  @Test
  void messagesAreOneLineAndConnectPrefixesAreNotRepeated() {
    String twice = "NO_CHANNEL unix:/x: NO_CHANNEL unix:/x: socket file /x does not exist";
    assertThat(Failures.collapseRepeatedPrefix(twice))
        .isEqualTo("NO_CHANNEL unix:/x: socket file /x does not exist");
    assertThat(Failures.classify(AgentException.connectFailed(ConnectFailure.NO_CHANNEL,
        "unix:/x", twice, null)).message())
        .isEqualTo("cannot connect: NO_CHANNEL unix:/x: socket file /x does not exist");
    assertThat(Failures.classify(AgentException.remote("exec", "line one\nline two")).message())
        .isEqualTo("exec failed in the guest: line one | line two");
  }

  @Test
  void durations() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    for (String bad : new String[] {"", "5", "-5s", "0s", "5 parsecs", "s"}) {
      assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void formats() {
    assertThat(Format.bytes(1023)).isEqualTo("1023 B");
    assertThat(Format.bytes(3 * 1024 * 1024)).isEqualTo("3.0 MiB");
    assertThat(Format.duration(Duration.ofMillis(850))).isEqualTo("850 ms");
    assertThat(Format.duration(Duration.ofSeconds(185))).isEqualTo("3m 05s");
    assertThat(Format.duration(Duration.ofHours(50))).isEqualTo("2d 02h");
    assertThat(Format.permissions('d', 0755)).isEqualTo("drwxr-xr-x");
    assertThat(Format.permissions('-', 04755)).isEqualTo("-rwsr-xr-x");
    assertThat(Format.permissions('d', 01777)).isEqualTo("drwxrwxrwt");
    assertThat(Json.write(java.util.Map.of("k", "a\"b\\c\u0001"))).isEqualTo("{\"k\":\"a\\\"b\\\\c\\u0001\"}");
  }
}
