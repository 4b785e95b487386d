package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentctl ping}, and the exit codes every subcommand shares. */
class AgentctlPingTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @TempDir
  Path dir;

  @Test
  void pingsWithVersionUptimeAndRoundTrip() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "ping"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("pong from ").contains("agent 0.1.27", "guest up ",
        "round trip ", agent.agent().endpoint());
    assertThat(r.err()).isEmpty();
  }

  @Test
  void globalOptionsWorkBeforeOrAfterTheSubcommand() {
    AgentctlRunner.Run after = run("ping", "--json", "-e", agent.agent().endpoint(),
        "--timeout", "10s");
    AgentctlRunner.Run before = run("--json", "--timeout", "10s", "-e", agent.agent().endpoint(),
        "ping");

    for (AgentctlRunner.Run r : new AgentctlRunner.Run[] {after, before}) {
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).startsWith("{\"schemaVersion\":1,\"vm\":").contains("\"agentVersion\":\"0.1.27\"",
          "\"guestUptimeMillis\":", "\"roundTripMicros\":");
    }
  }

  @Test
  void fallsBackToTheNextEndpoint() {
    String missing = "unix:" + dir.resolve("missing.agent.sock");
    AgentctlRunner.Run r = run("-e", missing, "-e", agent.agent().endpoint(), "ping");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains(agent.agent().endpoint());
  }

  @Test
  void aPlainPathMeansUnix() {
    AgentctlRunner.Run r = run("-e", agent.agent().socketPath().toString(), "ping");

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void missingSocketIsNoChannelExit3() {
    AgentctlRunner.Run r = run(on("unix:" + dir.resolve("vm-7.agent.sock"), "ping"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("agentctl: cannot connect: NO_CHANNEL").contains("vm-7.agent.sock");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void refusedSocketIsVmNotRunningExit3() throws IOException {
    Path socket = dir.resolve("vm-8.agent.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(Files.exists(socket)).isTrue();

    AgentctlRunner.Run r = run(on("unix:" + socket, "ping"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).startsWith("agentctl: cannot connect: VM_NOT_RUNNING");
  }

  @Test
  void unansweredPingIsDeadlineExceededExit4() {
    agent.agent().fault(PayloadCase.PING, Fault.noReply());

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--timeout", "1s", "ping"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).startsWith("agentctl: ").contains("deadline exceeded");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void verbosePrintsTheStackTrace() {
    AgentctlRunner.Run r = run(on("unix:" + dir.resolve("vm-9.agent.sock"), "--verbose", "ping"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("io.quantix.agent.AgentException", "\tat ");
  }

  @Test
  void usageErrorsExit2() {
    AgentctlRunner.Run none = run("ping");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).startsWith("agentctl: no endpoint: give -e URI");

    AgentctlRunner.Run bad = run(on("vsock://not-a-cid", "ping"));
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).startsWith("agentctl: bad endpoint 'vsock://not-a-cid'");

    AgentctlRunner.Run timeout = run(on(agent.agent().endpoint(), "ping", "--timeout", "soon"));
    assertThat(timeout.exitCode()).isEqualTo(2);
    assertThat(timeout.err()).contains("'soon' is not a duration", "agentctl ping --help");

    AgentctlRunner.Run unknown = run("frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(2);

    AgentctlRunner.Run nothing = run();
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.err()).contains("missing subcommand");
  }

  @Test
  void helpAndVersionExit0() {
    AgentctlRunner.Run help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: agentctl", "demo", "status", "Exit codes:",
        "cannot connect");

    AgentctlRunner.Run subHelp = run("exec", "--help");
    assertThat(subHelp.exitCode()).isZero();
    assertThat(subHelp.out()).contains("--user", "--timeout", "--json");

    AgentctlRunner.Run version = run("--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("agentctl ");
  }
}
