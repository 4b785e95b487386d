package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.proto.AgentMessage.PayloadCase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ResourceLeakCheck.class)
class FakeAgentMainTest {

  @Test
  void parsesTheCommandLineByHand() {
    FakeAgentMain.Options one = FakeAgentMain.parse("--socket", "/tmp/a.sock", "--telemetry", "500ms",
        "--sandbox", "/tmp/sb", "--hybrid-vsock", "9443", "--multi-client", "--seed", "-3");
    assertThat(one.socket()).isEqualTo(Path.of("/tmp/a.sock"));
    assertThat(one.telemetry()).isEqualTo(Duration.ofMillis(500));
    assertThat(one.sandbox()).isEqualTo(Path.of("/tmp/sb"));
    assertThat(one.hybridVsockPort()).isEqualTo(9443);
    assertThat(one.multiClient()).isTrue();
    assertThat(one.seed()).isEqualTo(-3L);
    assertThat(one.allowHostExec()).as("host commands are opt-in").isFalse();
    assertThat(one.verbose()).isFalse();
    FakeAgentMain.Options host = FakeAgentMain.parse("--socket", "/a", "--allow-host-exec", "--verbose");
    assertThat(host.allowHostExec()).isTrue();
    assertThat(host.verbose()).isTrue();
    FakeAgentMain.Options fleet = FakeAgentMain.parse("--vms", "10", "--dir", "/tmp/vms", "--telemetry", "off");
    assertThat(fleet.vms()).isEqualTo(10);
    assertThat(fleet.telemetry()).isZero();
    assertThat(fleet.recordLimit()).isEqualTo(FakeGuestAgentBuilder.DEFAULT_RECORD_LIMIT);
    assertThat(FakeAgentMain.parse("--vms", "2", "--dir", "/d", "--record-limit", "0").recordLimit()).isZero();
    assertThatThrownBy(() -> FakeAgentMain.parse("--socket", "/a", "--record-limit", "-1"))
        .hasMessageContaining("non-negative");
    assertThat(FakeAgentMain.parse("--help")).isNull();
    assertThat(FakeAgentMain.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(FakeAgentMain.duration("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> FakeAgentMain.parse()).hasMessageContaining("--socket PATH or --vms N");
    assertThatThrownBy(() -> FakeAgentMain.parse("--vms", "3")).hasMessageContaining("--dir");
    assertThatThrownBy(() -> FakeAgentMain.parse("--socket")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> FakeAgentMain.parse("--socket", "/a", "--bogus")).hasMessageContaining("unknown option");
    assertThatThrownBy(() -> FakeAgentMain.parse("--vms", "-1", "--dir", "/d")).hasMessageContaining("positive");
    assertThatThrownBy(() -> FakeAgentMain.duration("soon")).hasMessageContaining("cannot read duration");
  }

  @Test
  void aRecordLimitOfZeroAnswersButKeepsNothing(@TempDir Path dir) throws Exception {
    FakeAgentMain.Options options = FakeAgentMain.parse("--socket", dir.resolve("vm.agent.sock").toString(),
        "--telemetry", "off", "--record-limit", "0");
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    try (FakeGuestAgent agent = (FakeGuestAgent) FakeAgentMain.start(options,
        new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        HostConnection host = HostConnection.open(agent)) {
      host.next(m -> m.getPayloadCase() == io.quantix.agent.proto.AgentMessage.PayloadCase.AGENT_READY);
      host.send(HostConnection.ping(1));
      assertThat(host.next().getPayloadCase()).isEqualTo(io.quantix.agent.proto.AgentMessage.PayloadCase.PONG);
      assertThat(agent.requestCount()).isEqualTo(1);
      assertThat(agent.takeRequest(Duration.ZERO)).isNull();
    }
  }

  static Process launch(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FakeAgentMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  static List<String> linesUntilReady(Process process) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(() -> {
      List<String> lines = new ArrayList<>();
      try {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
          if (line.startsWith("ready ")) {
            break;
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return lines;
    }).get(30, TimeUnit.SECONDS);
  }

  @Test
  void runsUntilSigtermAndServesTheSocket(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("vm-1.agent.sock");
    Process process = launch("--socket", socket.toString(), "--telemetry", "off");
    try {
      assertThat(linesUntilReady(process)).containsExactly("listening unix:" + socket, "ready 1");
      try (HostConnection host = HostConnection.open(socket)) {
        assertThat(host.next().getAgentReady().getVersion()).isEqualTo("0.1.27");
        assertThat(host.call(HostConnection.ping(11)).getPong().getSequence()).isEqualTo(11);
      }
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(143);
      assertThat(socket).as("removed on SIGTERM").doesNotExist();
    } finally {
      process.destroyForcibly();
      process.getInputStream().close();
    }
  }

  @Test
  void startsAFleetInOneProcess(@TempDir Path dir) throws Exception {
    Process process = launch("--vms", "3", "--dir", dir.toString(), "--telemetry", "1s");
    try {
      assertThat(linesUntilReady(process)).containsExactly(
          "listening unix:" + dir.resolve("vm-00001.agent.sock"),
          "listening unix:" + dir.resolve("vm-00002.agent.sock"),
          "listening unix:" + dir.resolve("vm-00003.agent.sock"),
          "ready 3");
      try (HostConnection host = HostConnection.open(dir.resolve("vm-00003.agent.sock"))) {
        assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
        assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
      }
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
      process.getInputStream().close();
    }
  }
}
