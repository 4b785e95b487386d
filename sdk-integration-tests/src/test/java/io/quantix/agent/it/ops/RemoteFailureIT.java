package io.quantix.agent.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.ClipboardContent;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.PowerOptions;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.client.UpdateOptions;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.client.internal.Operation;
import io.quantix.agent.it.Harness;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.AgentUpdateResponse;
import io.quantix.agent.proto.ClipboardGetResponse;
import io.quantix.agent.proto.ClipboardUpdateResponse;
import io.quantix.agent.proto.ConfigureNetworkResponse;
import io.quantix.agent.proto.CreateDirectoryResponse;
import io.quantix.agent.proto.DisplayResizeResponse;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.proto.FileDeleteResponse;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileStatResponse;
import io.quantix.agent.proto.FileWriteResponse;
import io.quantix.agent.proto.GetHardwareInfoResponse;
import io.quantix.agent.proto.KillProcessResponse;
import io.quantix.agent.proto.ListDirectoryResponse;
import io.quantix.agent.proto.ListInstalledSoftwareResponse;
import io.quantix.agent.proto.ListProcessesResponse;
import io.quantix.agent.proto.ListServicesResponse;
import io.quantix.agent.proto.QuiesceFilesystemsResponse;
import io.quantix.agent.proto.ResetPasswordResponse;
import io.quantix.agent.proto.ServiceControlResponse;
import io.quantix.agent.proto.ShutdownResponse;
import io.quantix.agent.proto.SyncTimeResponse;
import io.quantix.agent.proto.ThawFilesystemsResponse;
import io.quantix.agent.proto.UpdateState;
import io.quantix.agent.testkit.ScriptedReply;
import java.io.ByteArrayOutputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The failure path of every request type that has one: the guest's {@code success=false} (or, for
 * execute, its {@code error}) becomes REMOTE_FAILURE carrying the guest's own text. Ping and
 * get_capabilities have no failure field in the protocol.
 */
class RemoteFailureIT {
  private static Harness h;

  @BeforeAll
  static void start() {
    h = new Harness().awaitConnected();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** One request type, the guest's failure reply, and the client call that sends it. */
  record Case(PayloadCase type, AgentMessage reply,
      Function<AgentClient, CompletableFuture<?>> call) {
    @Override
    public String toString() {
      return type.name();
    }
  }

  private static final String TEXT = "guest says no: EACCES (os error 13)";

  private static Case c(PayloadCase type, AgentMessage.Builder reply,
      Function<AgentClient, CompletableFuture<?>> call) {
    return new Case(type, reply.build(), call);
  }

  static Stream<Case> cases() {
    AgentMessage.Builder m = AgentMessage.newBuilder();
    char[] password = "pw".toCharArray();
    return Stream.of(
        c(PayloadCase.EXECUTE, AgentMessage.newBuilder().setExecuteResponse(
            ExecuteResponse.newBuilder().setExitCode(-1).setError(TEXT)),
            a -> a.exec(Exec.shell("true"))),
        c(PayloadCase.FILE_WRITE, AgentMessage.newBuilder().setFileWriteResponse(
            FileWriteResponse.newBuilder().setError(TEXT)),
            a -> a.upload(new byte[1], "/x", UploadOptions.DEFAULT)),
        c(PayloadCase.FILE_READ, AgentMessage.newBuilder().setFileReadResponse(
            FileReadResponse.newBuilder().setError(TEXT)),
            a -> a.download("/x", new ByteArrayOutputStream(), DownloadOptions.DEFAULT)),
        c(PayloadCase.SHUTDOWN, m.clone().setShutdownResponse(
            ShutdownResponse.newBuilder().setAccepted(false).setError(TEXT)),
            a -> a.lifecycle().powerOff(PowerOptions.NOW)),
        c(PayloadCase.RESET_PASSWORD, m.clone().setResetPasswordResponse(
            ResetPasswordResponse.newBuilder().setError(TEXT)),
            a -> a.lifecycle().resetPassword("bob", password, false)),
        c(PayloadCase.CONFIGURE_NETWORK, m.clone().setConfigureNetworkResponse(
            ConfigureNetworkResponse.newBuilder().setError(TEXT)),
            a -> a.lifecycle().configureNetwork("network: {version: 2}", true)),
        c(PayloadCase.QUIESCE, m.clone().setQuiesceResponse(
            QuiesceFilesystemsResponse.newBuilder().setError(TEXT)),
            a -> a.snapshots().quiesce(QuiesceSpec.allFilesystems())),
        c(PayloadCase.THAW, m.clone().setThawResponse(
            ThawFilesystemsResponse.newBuilder().setError(TEXT)),
            a -> a.snapshots().thaw()),
        c(PayloadCase.SYNC_TIME, m.clone().setSyncTimeResponse(
            SyncTimeResponse.newBuilder().setError(TEXT)),
            a -> a.lifecycle().syncTime(true)),
        c(PayloadCase.LIST_DIRECTORY, m.clone().setListDirectoryResponse(
            ListDirectoryResponse.newBuilder().setError(TEXT)),
            a -> a.files().list("/etc")),
        c(PayloadCase.CREATE_DIRECTORY, m.clone().setCreateDirectoryResponse(
            CreateDirectoryResponse.newBuilder().setError(TEXT)),
            a -> a.files().mkdirs("/srv/x")),
        c(PayloadCase.FILE_DELETE, m.clone().setFileDeleteResponse(
            FileDeleteResponse.newBuilder().setError(TEXT)),
            a -> a.files().deleteRecursively("/srv/x")),
        c(PayloadCase.FILE_STAT, m.clone().setFileStatResponse(
            FileStatResponse.newBuilder().setError(TEXT)),
            a -> a.files().stat("/etc/hostname")),
        c(PayloadCase.DISPLAY_RESIZE, m.clone().setDisplayResizeResponse(
            DisplayResizeResponse.newBuilder().setError(TEXT)),
            a -> a.desktop().resizeDisplay(1024, 768)),
        c(PayloadCase.CLIPBOARD_UPDATE, m.clone().setClipboardUpdateResponse(
            ClipboardUpdateResponse.newBuilder().setError(TEXT)),
            a -> a.desktop().setClipboard(ClipboardContent.text("x"))),
        c(PayloadCase.CLIPBOARD_GET, m.clone().setClipboardGetResponse(
            ClipboardGetResponse.newBuilder().setError(TEXT).setData(ByteString.EMPTY)),
            a -> a.desktop().getClipboard(ClipboardContent.Type.TEXT)),
        c(PayloadCase.LIST_PROCESSES, m.clone().setListProcessesResponse(
            ListProcessesResponse.newBuilder().setError(TEXT)),
            a -> a.processes().list()),
        c(PayloadCase.KILL_PROCESS, m.clone().setKillProcessResponse(
            KillProcessResponse.newBuilder().setError(TEXT)),
            a -> a.processes().kill(1337)),
        c(PayloadCase.LIST_SERVICES, m.clone().setListServicesResponse(
            ListServicesResponse.newBuilder().setError(TEXT)),
            a -> a.services().list()),
        c(PayloadCase.SERVICE_CONTROL, m.clone().setServiceControlResponse(
            ServiceControlResponse.newBuilder().setError(TEXT)),
            a -> a.services().restart("nginx")),
        c(PayloadCase.GET_HARDWARE_INFO, m.clone().setHardwareInfoResponse(
            GetHardwareInfoResponse.newBuilder().setError(TEXT)),
            a -> a.inventory().hardware()),
        c(PayloadCase.LIST_INSTALLED_SOFTWARE, m.clone().setListInstalledSoftwareResponse(
            ListInstalledSoftwareResponse.newBuilder().setError(TEXT)),
            a -> a.inventory().software()),
        c(PayloadCase.AGENT_UPDATE, m.clone().setAgentUpdateResponse(
            AgentUpdateResponse.newBuilder().setState(UpdateState.UPDATE_STATE_FAILED)
                .setError(TEXT)),
            a -> a.updates().push(new byte[10], "0.2.0", UpdateOptions.DEFAULT)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theGuestsFailureTextBecomesRemoteFailure(Case c) {
    h.agent.enqueue(c.type(), ScriptedReply.of(c.reply()));
    AgentException e = Ops.failure(c.call().apply(h.client));
    assertThat(e.code()).as(c.type().name()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.remoteMessage()).as(c.type().name()).contains(TEXT);
    assertThat(e.getMessage()).contains(TEXT);
    assertThat(e.mayHaveRun()).isTrue();
  }

  @Test
  void everyRequestTypeIsCoveredByTheCasesOrHasNoFailureField() {
    Set<PayloadCase> covered = cases().map(Case::type).collect(Collectors.toSet());
    covered.addAll(List.of(PayloadCase.PING, PayloadCase.GET_CAPABILITIES));
    Set<PayloadCase> all = EnumSet.noneOf(PayloadCase.class);
    for (Operation op : Operation.values()) {
      all.add(op.request());
    }
    assertThat(all).hasSize(25);
    assertThat(covered).isEqualTo(all);
  }
}
