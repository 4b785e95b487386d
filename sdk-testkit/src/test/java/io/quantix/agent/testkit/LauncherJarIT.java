package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded launcher jar runs with plain {@code java -jar} and serves a socket. */
class LauncherJarIT {

  @Test
  void launcherJarStartsServesAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    Path jar = Path.of(System.getProperty("launcher.jar"));
    assertThat(jar).exists();
    Path socket = dir.resolve("it.agent.sock");
    Path stderr = dir.resolve("stderr.txt");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "--socket", socket.toString(), "--telemetry", "200ms")
        .redirectError(stderr.toFile()).start();
    try {
      List<String> lines = FakeAgentMainTest.linesUntilReady(process);
      assertThat(lines).containsExactly("listening unix:" + socket, "ready 1");
      try (HostConnection host = HostConnection.open(socket)) {
        // Telemetry the agent wrote before we connected is stale data, delivered first, as a
        // real virtio-serial port does; AgentReady follows it.
        PayloadCase first = host.next().getPayloadCase();
        for (int stale = 0; first == PayloadCase.TELEMETRY && stale < 50; stale++) {
          first = host.next().getPayloadCase();
        }
        assertThat(first).isEqualTo(PayloadCase.AGENT_READY);
        assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
        assertThat(host.call(HostConnection.ping(5)).getPong().getSequence()).isEqualTo(5);
        ExecuteResponse uname = host.call(HostConnection.request(AgentMessage.newBuilder().setExecute(
            ExecuteRequest.newBuilder().setCommand("uname -n").setWaitForExit(true)))).getExecuteResponse();
        assertThat(uname.getStdout()).as("the built-in command set, not the host").isEqualTo("fake-guest\n");
      }
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(socket).doesNotExist();
      assertThat(Files.readString(stderr)).as("quiet by default: no SLF4J provider warnings, no info logs").isEmpty();
    } finally {
      process.destroyForcibly();
      process.getInputStream().close();
    }
  }
}
