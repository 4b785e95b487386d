package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgentFleet;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentctl status}: one registry, every VM channel of a directory, one row each. */
class AgentctlStatusTest {
  @TempDir
  Path dir;

  @Test
  void tableOfEveryChannelInTheDirectory() throws IOException {
    try (FakeGuestAgentFleet fleet = fleet(List.of("vm-a", "vm-b", "vm-c"))) {
      assertThat(fleet.size()).isEqualTo(3);
      refusedSocket(dir.resolve("vm-off.agent.sock"));
      Files.writeString(dir.resolve("notes.txt"), "not a channel");

      AgentctlRunner.Run r = run("status", "--dir", dir.toString(), "--timeout", "20s");

      assertThat(r.exitCode()).as("vm-off is not CONNECTED: %s", r).isEqualTo(7);
      List<String> lines = r.outLines();
      assertThat(lines).hasSize(5);
      assertThat(lines.get(0)).startsWith("VM").contains("STATE", "AGENT", "HOSTNAME", "IPS",
          "MEMORY", "TELEMETRY");
      for (String vm : List.of("vm-a", "vm-b", "vm-c")) {
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(vm + " ")
            .contains("CONNECTED", "0.1.27", "%)", " ago"));
      }
      assertThat(lines.get(4)).startsWith("vm-off ").contains("VM_NOT_RUNNING");
      assertThat(r.out()).doesNotContain("notes");
    }
  }

  @Test
  void jsonLinePerVm() throws IOException {
    try (FakeGuestAgentFleet fleet = fleet(List.of("vm-1", "vm-2"))) {
      assertThat(fleet.size()).isEqualTo(2);
      AgentctlRunner.Run r = run("--json", "status", "--dir", dir.toString(), "--timeout", "20s");

      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.outLines()).hasSize(2).allSatisfy(line -> assertThat(line)
          .contains("\"state\":\"CONNECTED\"", "\"agentVersion\":\"0.1.27\"",
              "\"memoryUsedPercent\":"));
    }
  }

  @Test
  void eachEndpointIsAVm() throws IOException {
    try (FakeGuestAgentFleet fleet = fleet(List.of("vm-x"))) {
      AgentctlRunner.Run r = run("-e", fleet.agent("vm-x").endpoint(), "-e",
          "unix:" + dir.resolve("vm-y.agent.sock"), "status", "--timeout", "20s");

      assertThat(r.exitCode()).as("vm-y is not CONNECTED: %s", r).isEqualTo(7);
      assertThat(r.outLines()).hasSize(3);
      assertThat(r.outLines().get(1)).startsWith("vm-x ").contains("CONNECTED");
      assertThat(r.outLines().get(2)).startsWith("vm-y ").contains("NO_CHANNEL",
          "does not exist");
    }
  }

  @Test
  void emptyDirectoryAndUsageErrors() {
    AgentctlRunner.Run empty = run("status", "--dir", dir.toString());
    assertThat(empty.exitCode()).isZero();
    assertThat(empty.out()).startsWith("no VM channels");

    AgentctlRunner.Run missing = run("status", "--dir", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("is not a directory");

    AgentctlRunner.Run nothing = run("status");
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.err()).contains("--dir");
  }

  private FakeGuestAgentFleet fleet(List<String> vms) {
    return FakeGuestAgentFleet.builder().directory(dir).vmIds(vms)
        .agents(a -> a.telemetryInterval(Duration.ofMillis(200))).start();
  }

  private static void refusedSocket(Path socket) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
    }
  }
}
