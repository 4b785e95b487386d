package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentctl update}: the agent's self-update, sha256-checked by the guest. */
class AgentctlUpdateTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @TempDir
  Path dir;

  @Test
  void uploadsWithItsSha256AndSaysARestartIsNeeded() throws Exception {
    byte[] binary = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(7).nextBytes(binary);
    Path file = Files.write(dir.resolve("quantix-kvm-agent"), binary);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(binary));

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "update", file.toString(),
        "--version", "0.1.28"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("agent 0.1.28 installed", sha, "restart the agent");
    assertThat(agent.agent().guest().installedUpdate()).contains("0.1.28");

    AgentctlRunner.Run json = run(on(agent.agent().endpoint(), "--json", "update",
        file.toString(), "--version", "0.1.29"));
    assertThat(json.out()).contains("\"sha256\":\"" + sha + "\"", "\"bytes\":" + binary.length,
        "\"restarted\":false", "\"durationMillis\":");
  }

  @Test
  void restartWaitsForTheNewVersion() throws Exception {
    // The guest's systemctl restarts the agent process: no reply, then AgentReady with 0.1.28.
    agent.agent().onRequestAsync(io.quantix.agent.proto.AgentMessage.PayloadCase.EXECUTE,
        request -> java.util.concurrent.CompletableFuture.runAsync(agent.agent()::restartAgent)
            .thenApply(done -> null));
    Path file = Files.write(dir.resolve("quantix-kvm-agent"), new byte[100_000]);

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--json", "update", file.toString(),
        "--version", "0.1.28", "--restart", "--restart-timeout", "60s"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"restarted\":true", "\"runningVersion\":\"0.1.28\"");
  }

  @Test
  void versionIsRequiredAndTheBinaryMustExist() {
    assertThat(run(on(agent.agent().endpoint(), "update", "/bin/true")).exitCode()).isEqualTo(2);
    AgentctlRunner.Run missing = run(on(agent.agent().endpoint(), "update",
        dir.resolve("none").toString(), "--version", "1"));
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("no such local file");
  }
}
