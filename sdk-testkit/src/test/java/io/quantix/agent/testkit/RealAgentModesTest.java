package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.FileReadRequest;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.GetCapabilitiesRequest;
import io.quantix.agent.proto.GetCapabilitiesResponse;
import io.quantix.agent.testkit.internal.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The fake agent's modes that reproduce what the real agent does (issue 14 and 15), over a real socket. */
@ExtendWith(ResourceLeakCheck.class)
class RealAgentModesTest {

  private static AgentMessage read(long offset, int chunk) {
    return HostConnection.request(AgentMessage.newBuilder().setFileRead(
        FileReadRequest.newBuilder().setPath("/big.bin").setOffset(offset).setChunkSize(chunk)));
  }

  @Test
  void agentReadyOnPortOpenReachesOnlyTheFirstHost() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ofMillis(100))
        .agentReadyOnPortOpen(true).start()) {
      assertThat(agent.staleBytes()).as("AgentReady written into the port at start").isGreaterThan(0);
      try (HostConnection first = HostConnection.open(agent)) {
        assertThat(first.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      }
      assertThat(agent.awaitNoConnections(Duration.ofSeconds(5))).isTrue();
      try (HostConnection later = HostConnection.open(agent)) {
        List<PayloadCase> seen = new ArrayList<>();
        AgentMessage ping = HostConnection.ping(7);
        later.send(ping);
        AgentMessage message;
        while ((message = later.next()).getPayloadCase() != PayloadCase.PONG) {
          seen.add(message.getPayloadCase());
        }
        assertThat(message.getPong().getVersion()).as("answers without AgentReady").isEqualTo("0.1.27");
        later.next(m -> m.getPayloadCase() == PayloadCase.TELEMETRY);
        assertThat(seen).doesNotContain(PayloadCase.AGENT_READY);
        assertThat(later.buffered()).extracting(AgentMessage::getPayloadCase).doesNotContain(PayloadCase.AGENT_READY);

        agent.restartAgent();
        assertThat(later.next(m -> m.getPayloadCase() != PayloadCase.TELEMETRY).getPayloadCase())
            .as("a restart opens the port again: AgentReady mid-session").isEqualTo(PayloadCase.AGENT_READY);
      }
    }
  }

  @Test
  void restartInPlaceSendsAgentReadyMidSessionLosesRepliesInFlightAndRestartsTelemetry() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ofSeconds(60)).start();
        HostConnection host = HostConnection.open(agent)) {
      assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.TELEMETRY);
      agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.delay(Duration.ofMillis(300))));
      AgentMessage lost = HostConnection.ping(1);
      host.send(lost);
      assertThat(agent.takeRequest(Duration.ofSeconds(5))).isNotNull();
      agent.restartAgent();
      assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      assertThat(host.next().getPayloadCase()).as("telemetry at once from the new process").isEqualTo(PayloadCase.TELEMETRY);
      AgentMessage after = HostConnection.ping(2);
      assertThat(host.call(after).getPong().getSequence()).isEqualTo(2);
      assertThat(host.silentFor(Duration.ofMillis(500))).as("the reply in flight was lost").isTrue();
      assertThat(host.eof()).isFalse();
      assertThat(agent.counters().connectionsAccepted()).isEqualTo(1);
    }
  }

  @Test
  void restartMidFrameCutsAFrameBeforeTheNewAgentReady() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start();
        HostConnection host = HostConnection.open(agent)) {
      assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      agent.restartAgentMidFrame();
      assertThat(host.next().getPayloadCase()).as("the host resyncs to the new AgentReady").isEqualTo(PayloadCase.AGENT_READY);
      assertThat(host.outcomes()).as("the cut frame was dropped").isNotEmpty();
    }
  }

  @Test
  void staleBacklogIsOldTelemetryWithTheLastReportCutDeliveredFirst() throws Exception {
    Instant started = Instant.now();
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).staleBacklog(19_000).start()) {
      assertThat(agent.staleBytes()).isEqualTo(19_000);
      try (HostConnection host = HostConnection.open(agent)) {
        List<AgentMessage> old = new ArrayList<>();
        AgentMessage message;
        while ((message = host.next()).getPayloadCase() == PayloadCase.TELEMETRY) {
          old.add(message);
        }
        assertThat(message.getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
        assertThat(old).hasSizeGreaterThan(30);
        int wholeBytes = old.stream().mapToInt(m -> m.getSerializedSize() + 8).sum();
        assertThat(wholeBytes).as("all but the cut one arrive whole").isLessThan(19_000);
        for (int i = 1; i < old.size(); i++) {
          Instant previous = Messages.instant(old.get(i - 1).getTimestamp());
          Instant current = Messages.instant(old.get(i).getTimestamp());
          assertThat(Duration.between(previous, current)).isEqualTo(Duration.ofSeconds(5));
          assertThat(old.get(i).getTelemetry().getUptimeSeconds())
              .isEqualTo(old.get(i - 1).getTelemetry().getUptimeSeconds() + 5);
        }
        assertThat(Messages.instant(old.get(old.size() - 1).getTimestamp())).isBefore(started);
        assertThat(host.outcomes()).as("the cut report is dropped by the host's decoder").isNotEmpty();
      }
    }
  }

  @Test
  void perReadCapIsTheAgentBuildsAndZeroMeansUnlimited() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024];
    new java.util.Random(1).nextBytes(data);
    int[][] cases = {{FakeGuestAgentBuilder.OLD_BUILD_MAX_SINGLE_READ, 16 * 1024}, {-1, 2 * 1024 * 1024}, {0, data.length}};
    for (int[] c : cases) {
      FakeGuestAgentBuilder builder = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO);
      if (c[0] >= 0) {
        builder.maxSingleRead(c[0]);
      }
      try (FakeGuestAgent agent = builder.start(); HostConnection host = HostConnection.open(agent)) {
        host.next();
        Files.write(agent.sandbox().resolve("big.bin"), data);
        FileReadResponse r = host.call(read(0, data.length)).getFileReadResponse();
        assertThat(r.getData().size()).as("cap %d", c[0]).isEqualTo(c[1]);
        assertThat(r.getTotalSize()).isEqualTo(data.length);
        assertThat(r.getEof()).as("a short read is flagged eof too").isTrue();
        assertThat(r.getData()).isEqualTo(ByteString.copyFrom(data, 0, c[1]));
      }
    }
  }

  @Test
  void fsyncWritesSyncsEveryChunk() throws Exception {
    for (boolean on : new boolean[] {true, false}) {
      try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).fsyncWrites(on).start();
          HostConnection host = HostConnection.open(agent)) {
        host.next();
        for (int chunk = 0; chunk < 3; chunk++) {
          assertThat(host.call(HostConnection.request(AgentMessage.newBuilder().setFileWrite(FileWriteRequest.newBuilder()
              .setPath("/f.bin").setOffset(chunk * 4L).setChunkNumber(chunk).setData(ByteString.copyFromUtf8("abcd")))))
              .getFileWriteResponse().getSuccess()).isTrue();
        }
        assertThat(Files.readString(agent.sandbox().resolve("f.bin"))).isEqualTo("abcdabcdabcd");
        assertThat(agent.core().counters().fsyncs()).isEqualTo(on ? 3 : 0);
      }
    }
  }

  @Test
  void getCapabilitiesIsAnsweredAsTheRealAgentDoes() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).agentReadyOnPortOpen(true).start();
        HostConnection host = HostConnection.open(agent)) {
      host.next();
      GetCapabilitiesResponse c = host.call(HostConnection.request(AgentMessage.newBuilder()
          .setGetCapabilities(GetCapabilitiesRequest.getDefaultInstance()))).getGetCapabilitiesResponse();
      assertThat(c.getVersion()).isEqualTo("0.1.27");
      assertThat(c.getOs()).isEqualTo("linux");
      assertThat(c.getArchitecture()).isEqualTo("x86_64");
      assertThat(c.getCapabilitiesList()).as("the 24 base names; platform extras go to features")
          .hasSize(24).startsWith("telemetry", "execute").endsWith("software_list", "self_update")
          .doesNotContain("user_context_exec");
      assertThat(c.getFeaturesMap()).containsEntry("user_context_exec", "true").containsEntry("fsfreeze", "true");
      assertThat(c.getBuildTime()).isEqualTo("unknown");
      assertThat(c.getBuildCommit()).isEqualTo("unknown");
    }
  }

  private static AgentMessage shell(String command, int timeoutSeconds) {
    return HostConnection.request(AgentMessage.newBuilder().setExecute(ExecuteRequest.newBuilder()
        .setCommand(command).setTimeoutSeconds(timeoutSeconds).setWaitForExit(true)));
  }

  @Test
  void stdoutIsReadBeforeStderrSoAPipeFullOfStderrStallsUntilTheTimeout() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).allowHostExec(true).start();
        HostConnection host = HostConnection.open(agent)) {
      host.next();
      ExecuteResponse stalled = host.call(shell("head -c 100000 /dev/zero >&2; echo done", 1)).getExecuteResponse();
      assertThat(stalled.getTimedOut()).isTrue();
      assertThat(stalled.getExitCode()).isEqualTo(-1);
      assertThat(stalled.getStdout()).isEmpty();
      assertThat(stalled.getStderr()).isEqualTo("Command timed out after 1 seconds");
      ExecuteResponse fits = host.call(shell("head -c 60000 /dev/zero >&2; echo done", 5)).getExecuteResponse();
      assertThat(fits.getTimedOut()).as("less than a pipe buffer of stderr does not stall").isFalse();
      assertThat(fits.getStdout()).isEqualTo("done\n");
      assertThat(fits.getStderr()).hasSize(60000);
      ExecuteResponse bigStdout = host.call(shell("head -c 100000 /dev/zero; echo done >&2", 5)).getExecuteResponse();
      assertThat(bigStdout.getTimedOut()).as("stdout is drained first, so much of it never stalls").isFalse();
      assertThat(bigStdout.getStdout()).hasSize(100000);
    }
  }

  @Test
  void aTimedOutCommandIsLeftRunningLikeTheRealAgentDoes(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("pid");
    ProcessHandle child;
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).allowHostExec(true)
        .killTimedOutCommands(false).start(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      ExecuteResponse r = host.call(shell("echo $$ > " + pidFile + "; exec sleep 30", 1)).getExecuteResponse();
      assertThat(r.getTimedOut()).isTrue();
      child = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
      assertThat(child.isAlive()).as("still running after its timeout answered").isTrue();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> !child.isAlive());
  }
}
