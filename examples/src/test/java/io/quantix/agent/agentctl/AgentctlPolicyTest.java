package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --policy} and {@code --audit}: a denied call prints the verdict and exits with 8. */
class AgentctlPolicyTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO)
      .localShell(false));

  @TempDir
  Path dir;

  @Test
  void deniedCallPrintsTheRuleAndExitsWith8AndIsAudited() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yaml"),
        "commands:\n  block: [rm]\npaths:\n  write: [/tmp]\n");
    Path audit = dir.resolve("audit.jsonl");
    long before = agent.agent().requestCount();

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--policy", policy.toString(),
        "--audit", audit.toString(), "exec", "--", "rm -rf /srv"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(8);
    assertThat(r.err()).startsWith("agentctl: denied by policy: ")
        .contains("exec denied by rule commands.block");
    assertThat(agent.agent().requestCount() - before).as("no exec sent").isLessThanOrEqualTo(1);
    List<String> lines = Files.readAllLines(audit);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("\"operation\":\"exec\"")
        .contains("\"outcome\":\"PERMISSION_DENIED\"").contains("\"mayHaveRun\":false");
  }

  @Test
  void allowedCallRunsAndIsAudited() throws Exception {
    agent.agent().scriptCommand("uname -a", ExecuteResponse.newBuilder().setExitCode(0)
        .setStdout("Linux\n").build());
    Path policy = Files.writeString(dir.resolve("policy.json"),
        "{\"commands\": {\"block\": [\"rm\"]}}");
    Path audit = dir.resolve("audit.jsonl");

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "exec", "--policy",
        policy.toString(), "--audit", audit.toString(), "--", "uname -a"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("Linux\n");
    assertThat(Files.readAllLines(audit)).singleElement().asString()
        .contains("\"outcome\":\"OK\"").contains("\"command\":\"uname -a\"");
  }

  @Test
  void invalidPolicyIsAUsageError() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yaml"), "commands: {blok: [rm]}\n");
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--policy", policy.toString(),
        "ping"));
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("invalid policy").contains("commands.blok");
  }
}
