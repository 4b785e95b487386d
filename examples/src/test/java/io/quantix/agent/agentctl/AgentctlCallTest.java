package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import io.quantix.agent.testkit.RecordedRequest;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code agentctl call TYPE JSON}: any request by name, the reply as JSON. */
class AgentctlCallTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO)
      .version("0.1.27"));

  @Test
  void pingByFieldNameWithTheReplyAsJson() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "call", "ping", "{\"sequence\": 42}"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonObject reply = JsonParser.parseString(r.out()).getAsJsonObject();
    assertThat(reply.get("sequence").getAsLong()).isEqualTo(42);
    assertThat(reply.get("version").getAsString()).isEqualTo("0.1.27");
  }

  @Test
  void messageNamesAndOriginalFieldNamesWorkAndJsonHasTheEnvelope() throws Exception {
    Files.writeString(agent.agent().sandbox().resolve("hostname"), "db-1\n");

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--json", "call", "FileStatRequest",
        "{\"path\": \"/hostname\"}"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertThat(o.get("schemaVersion").getAsInt()).isEqualTo(1);
    assertThat(o.get("request").getAsString()).isEqualTo("file_stat");
    assertThat(o.get("replyType").getAsString()).isEqualTo("file_stat_response");
    assertThat(o.getAsJsonObject("reply").toString()).contains("\"success\":true", "\"name\":\"hostname\"");
    RecordedRequest sent = agent.agent().takeRequest(Duration.ofSeconds(10));
    while (sent.message().getPayloadCase() != AgentMessage.PayloadCase.FILE_STAT) {
      sent = agent.agent().takeRequest(Duration.ofSeconds(10));
    }
    assertThat(sent.message().getFileStat().getPath()).isEqualTo("/hostname");
  }

  @Test
  void unknownTypeAndBadJsonAreUsageErrorsBeforeAnyIo() {
    AgentctlRunner.Run type = run(on(agent.agent().endpoint(), "call", "reboot_now", "{}"));
    assertThat(type.exitCode()).isEqualTo(2);
    assertThat(type.err()).contains("not a request type", "list_processes");

    AgentctlRunner.Run json = run(on(agent.agent().endpoint(), "call", "file_stat",
        "{\"pth\": 1}"));
    assertThat(json.exitCode()).isEqualTo(2);
    assertThat(json.err()).contains("bad JSON for file_stat");

    assertThat(agent.agent().openConnections()).isZero();
  }

  @Test
  void aRequestNeverAnsweredEndsAtTheDeadline() {
    agent.agent().enqueue(AgentMessage.PayloadCase.PING,
        io.quantix.agent.testkit.ScriptedReply.noReply());

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--timeout", "1s", "call", "ping"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("no reply to ping");
  }
}
