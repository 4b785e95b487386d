package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileWriteResponse;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.AsyncRequestHandler;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.TransportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Operator rules: no partial file from push, --lock-dir, JSON errors. */
class AgentctlOperatorTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @TempDir
  Path dir;

  @Test
  void pushThatFailsMidwayLeavesNoFileInTheGuest() throws Exception {
    Path guest = Files.createDirectories(agent.agent().sandbox().resolve("opt"));
    Files.writeString(guest.resolve("app.bin"), "the old version");
    AtomicInteger renames = GuestMv.install(agent.agent());
    // The third chunk fails in the guest, as a full disk would.
    AsyncRequestHandler writes = agent.agent().defaultHandler(AgentMessage.PayloadCase.FILE_WRITE);
    AtomicInteger chunks = new AtomicInteger();
    agent.agent().onRequestAsync(AgentMessage.PayloadCase.FILE_WRITE, request -> {
      if (chunks.incrementAndGet() < 3) {
        return writes.handle(request);
      }
      return CompletableFuture.completedFuture(AgentMessage.newBuilder()
          .setMessageId(request.getMessageId()).setFileWriteResponse(FileWriteResponse.newBuilder()
              .setSuccess(false).setError("No space left on device (os error 28)")).build());
    });
    Path local = Files.write(dir.resolve("app.bin"), new byte[5 * 1024 * 1024]);

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "push", local.toString(),
        "/opt/app.bin"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("No space left on device");
    assertThat(guest.resolve("app.bin")).as("the old file is untouched").hasContent("the old version");
    try (Stream<Path> left = Files.list(guest)) {
      assertThat(left).as("no partial file").containsExactly(guest.resolve("app.bin"));
    }
    assertThat(renames).hasValue(0);
  }

  @Test
  void pushRenamesIntoPlaceFromATemporaryName() throws Exception {
    Files.createDirectories(agent.agent().sandbox().resolve("opt"));
    AtomicInteger renames = GuestMv.install(agent.agent());
    Path local = Files.writeString(dir.resolve("f.txt"), "new");

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--json", "push", local.toString(),
        "/opt/f.txt"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(agent.agent().sandbox().resolve("opt/f.txt")).hasContent("new");
    assertThat(renames).hasValue(1);
    assertThat(r.out()).containsPattern("\"renamedFrom\":\"/opt/\\.f\\.txt\\.agentctl-[0-9a-f]{8}\\.part\"");
  }

  @Test
  void lockDirReportsChannelBusyWithTheHolder() throws Exception {
    Path locks = Files.createDirectories(dir.resolve("locks"));
    Endpoint endpoint = Endpoint.parse(agent.agent().endpoint());
    try (AgentRegistry holder = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("held", List.of(endpoint))))
        .transportOptions(TransportOptions.builder().lockDirectory(locks).build()).build()) {
      holder.client("held").ping().get();

      AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--lock-dir", locks.toString(),
          "--timeout", "5s", "ping"));

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
      assertThat(r.err()).contains("CHANNEL_BUSY", "pid");
    }
    AgentctlRunner.Run free = run(on(agent.agent().endpoint(), "--lock-dir", locks.toString(),
        "ping"));
    assertThat(free.exitCode()).as(free.toString()).isZero();
  }

  @Test
  void errorsUnderJsonAreAJsonObjectOnStdoutToo() {
    String missing = "unix:" + dir.resolve("vm-9.agent.sock");
    AgentctlRunner.Run r = run("--json", "-e", missing, "ping");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).startsWith("agentctl: cannot connect: NO_CHANNEL");
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertThat(o.get("schemaVersion").getAsInt()).isEqualTo(1);
    assertThat(o.get("vm").getAsString()).isEqualTo("vm-9");
    assertThat(o.get("endpoint").getAsString()).isEqualTo(missing);
    JsonObject error = o.getAsJsonObject("error");
    assertThat(error.get("exitCode").getAsInt()).isEqualTo(3);
    assertThat(error.get("connectFailure").getAsString()).isEqualTo("NO_CHANNEL");
    assertThat(error.get("message").getAsString()).startsWith("cannot connect: NO_CHANNEL");

    AgentctlRunner.Run usage = run("--json", "-e", missing, "ping", "--no-such-option");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(JsonParser.parseString(usage.out()).getAsJsonObject().getAsJsonObject("error")
        .get("exitCode").getAsInt()).isEqualTo(2);
  }
}
