package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code agentctl demo}: the README's first command, in-process. */
class AgentctlDemoTest {

  @Test
  void walksThroughEveryStepAndExits0() {
    AgentctlRunner.Run r = run("demo");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    for (String step : DemoCommand.stepNames()) {
      assertThat(r.out()).contains("] " + step + ": ");
    }
    assertThat(r.out()).contains("matches the upload", "NO_CHANNEL", "agentctl exits 3",
        "CONNECTED", "every step passed");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void jsonLinePerStep() {
    AgentctlRunner.Run r = run("demo", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.outLines()).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
    for (String step : DemoCommand.stepNames()) {
      if (!step.equals("status")) {
        assertThat(r.out()).contains(",\"step\":\"" + step + "\",\"ok\":true");
      }
    }
    assertThat(r.out()).contains("\"matches\":true", "\"state\":\"CONNECTED\"",
        ",\"step\":\"done\",\"ok\":true");
    assertThat(r.outLines()).allSatisfy(line -> assertThat(line).startsWith("{\"schemaVersion\":1,\"vm\":"));
  }
}
