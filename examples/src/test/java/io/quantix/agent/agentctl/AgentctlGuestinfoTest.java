package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code agentctl guestinfo}: one summary, as a table or one JSON object. */
class AgentctlGuestinfoTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(
      Duration.ofSeconds(30)).hostname("db-1").ipAddresses("10.1.2.4").version("0.1.27"));

  @Test
  void oneTable() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "guestinfo"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("hostname      db-1", "os            Ubuntu", "kernel        ",
        "timezone      unknown", "addresses     10.1.2.4", "agent         0.1.27",
        "capabilities  ", "telemetry     ", "FILESYSTEM", "/boot", "INTERFACE", "eth0", "UP");
  }

  @Test
  void oneJsonObject() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--json", "guestinfo"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.outLines()).hasSize(1);
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertThat(o.get("hostname").getAsString()).isEqualTo("db-1");
    assertThat(o.getAsJsonObject("os").get("name").getAsString()).isEqualTo("Ubuntu");
    assertThat(o.getAsJsonArray("filesystems")).hasSize(2);
    assertThat(o.getAsJsonArray("interfaces").get(0).getAsJsonObject().get("name").getAsString())
        .isEqualTo("eth0");
    assertThat(o.getAsJsonObject("agent").getAsJsonArray("capabilities").toString())
        .contains("execute");
    assertThat(o.get("telemetryAgeMillis").getAsLong()).isNotNegative();
    assertThat(o.get("timezone").isJsonNull()).isTrue();
  }
}
