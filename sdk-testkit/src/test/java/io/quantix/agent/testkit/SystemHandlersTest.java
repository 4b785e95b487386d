package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.AgentUpdateRequest;
import io.quantix.agent.proto.AgentUpdateResponse;
import io.quantix.agent.proto.ClipboardGetRequest;
import io.quantix.agent.proto.ClipboardType;
import io.quantix.agent.proto.ClipboardUpdateRequest;
import io.quantix.agent.proto.ConfigureNetworkRequest;
import io.quantix.agent.proto.DisplayResizeRequest;
import io.quantix.agent.proto.QuiesceFilesystemsRequest;
import io.quantix.agent.proto.QuiesceFilesystemsResponse;
import io.quantix.agent.proto.ResetPasswordRequest;
import io.quantix.agent.proto.ShutdownRequest;
import io.quantix.agent.proto.ShutdownType;
import io.quantix.agent.proto.SyncTimeRequest;
import io.quantix.agent.proto.ThawFilesystemsRequest;
import io.quantix.agent.proto.UpdateState;
import io.quantix.agent.testkit.internal.Messages;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ResourceLeakCheck.class)
class SystemHandlersTest {

  static FakeGuestAgent quietAgent() {
    return FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).build().start();
  }

  static AgentMessage call(HostConnection host, AgentMessage.Builder payload) throws Exception {
    return host.call(HostConnection.request(payload));
  }

  @Test
  void immediatePoweroffSendsNoReplyAndEndsTheSession() throws Exception {
    try (FakeGuestAgent agent = quietAgent(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      host.send(HostConnection.request(AgentMessage.newBuilder().setShutdown(ShutdownRequest.newBuilder())));
      assertThat(host.awaitEof(Duration.ofSeconds(5))).isTrue();
      assertThat(host.buffered()).isEmpty();
      assertThat(agent.guest().shutdowns()).extracting(GuestState.Shutdown::type)
          .containsExactly(ShutdownType.SHUTDOWN_TYPE_POWEROFF);
    }
  }

  @Test
  void delayedShutdownIsAcceptedAndRebootSaysAgentReadyAgain() throws Exception {
    try (FakeGuestAgent agent = quietAgent(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      AgentMessage delayed = call(host, AgentMessage.newBuilder().setShutdown(ShutdownRequest.newBuilder()
          .setDelaySeconds(120).setMessage("maintenance")));
      assertThat(delayed.getShutdownResponse().getAccepted()).isTrue();
      host.send(HostConnection.request(AgentMessage.newBuilder().setShutdown(ShutdownRequest.newBuilder()
          .setType(ShutdownType.SHUTDOWN_TYPE_REBOOT))));
      assertThat(host.next().getPayloadCase()).as("no reply, then the rebooted agent's AgentReady")
          .isEqualTo(PayloadCase.AGENT_READY);
      assertThat(host.eof()).isFalse();
    }
  }

  @Test
  void quiesceFreezesWithATokenThawReleasesAndAutoThawFires() throws Exception {
    try (FakeGuestAgent agent = quietAgent(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      Instant before = Instant.now();
      QuiesceFilesystemsResponse frozen = call(host, AgentMessage.newBuilder().setQuiesce(
          QuiesceFilesystemsRequest.newBuilder())).getQuiesceResponse();
      assertThat(frozen.getSuccess()).isTrue();
      assertThat(frozen.getQuiesceToken()).matches(SessionStartTest.UUID);
      assertThat(frozen.getFrozenList()).extracting(f -> f.getMountPoint()).containsExactly("/", "/boot");
      assertThat(Messages.instant(frozen.getAutoThawAt())).isBetween(before.plusSeconds(59), before.plusSeconds(62));
      assertThat(agent.guest().frozen()).isTrue();
      QuiesceFilesystemsResponse again = call(host, AgentMessage.newBuilder().setQuiesce(
          QuiesceFilesystemsRequest.newBuilder().addMountPoints("/"))).getQuiesceResponse();
      assertThat(again.getSuccess()).isFalse();
      assertThat(again.getQuiesceToken()).isEmpty();
      assertThat(again.getError()).contains("busy");

      AgentMessage thawed = call(host, AgentMessage.newBuilder().setThaw(
          ThawFilesystemsRequest.newBuilder().setQuiesceToken("not-checked")));
      assertThat(thawed.getThawResponse().getThawedMountPointsList()).containsExactly("/", "/boot");
      assertThat(agent.guest().frozen()).isFalse();

      QuiesceFilesystemsResponse shortFreeze = call(host, AgentMessage.newBuilder().setQuiesce(
          QuiesceFilesystemsRequest.newBuilder().addMountPoints("/").setTimeoutSeconds(1))).getQuiesceResponse();
      assertThat(shortFreeze.getSuccess()).isTrue();
      assertThat(agent.guest().frozenMountPoints()).containsExactly("/");
      await().atMost(Duration.ofSeconds(5)).until(() -> !agent.guest().frozen());
      assertThat(agent.guest().autoThaws()).isEqualTo(1);
      assertThat(call(host, AgentMessage.newBuilder().setQuiesce(QuiesceFilesystemsRequest.newBuilder()
          .addMountPoints("/srv"))).getQuiesceResponse().getError()).contains("/srv");
    }
  }

  @Test
  void timePasswordNetworkDisplayAndClipboardAreRecordedNotApplied() throws Exception {
    try (FakeGuestAgent agent = quietAgent(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      Instant target = Instant.now().plusSeconds(30);
      AgentMessage time = call(host, AgentMessage.newBuilder().setSyncTime(SyncTimeRequest.newBuilder()
          .setSetTime(Messages.timestamp(target))));
      assertThat(time.getSyncTimeResponse().getOffsetSeconds()).isBetween(29.0, 31.0);
      assertThat(time.getSyncTimeResponse().getTimeSource()).isEqualTo("manual");
      assertThat(call(host, AgentMessage.newBuilder().setSyncTime(SyncTimeRequest.newBuilder().setForce(true)))
          .getSyncTimeResponse().getTimeSource()).isEqualTo("chrony");
      assertThat(agent.guest().timeSyncs()).hasSize(2);

      assertThat(call(host, AgentMessage.newBuilder().setResetPassword(ResetPasswordRequest.newBuilder()
          .setUsername("ubuntu").setNewPassword("s3cret!").setExpire(true))).getResetPasswordResponse().getSuccess()).isTrue();
      GuestState.PasswordReset reset = agent.guest().passwordResets().get(0);
      assertThat(reset.password()).isEqualTo("s3cret!");
      assertThat(reset.toString()).doesNotContain("s3cret!").contains("ubuntu");

      assertThat(call(host, AgentMessage.newBuilder().setConfigureNetwork(ConfigureNetworkRequest.newBuilder()
          .setNetplanConfig("network: {version: 2}").setApplyNow(true))).getConfigureNetworkResponse().getSuccess()).isTrue();
      assertThat(agent.guest().networkChanges()).containsExactly(new GuestState.NetworkChange("network: {version: 2}", true));

      AgentMessage display = call(host, AgentMessage.newBuilder().setDisplayResize(DisplayResizeRequest.newBuilder()
          .setWidth(1920).setHeight(1080)));
      assertThat(display.getDisplayResizeResponse().getActualWidth()).isEqualTo(1920);
      assertThat(display.getDisplayResizeResponse().getActualHeight()).isEqualTo(1080);

      call(host, AgentMessage.newBuilder().setClipboardUpdate(ClipboardUpdateRequest.newBuilder()
          .setType(ClipboardType.CLIPBOARD_TYPE_TEXT).setData(ByteString.copyFromUtf8("copied")).setMimeType("text/plain")));
      AgentMessage clip = call(host, AgentMessage.newBuilder().setClipboardGet(ClipboardGetRequest.newBuilder()));
      assertThat(clip.getClipboardGetResponse().getData().toStringUtf8()).isEqualTo("copied");
    }
  }

  @Test
  void inventoryComesFromCannedDataAndReflectsKillsAndServiceControl() throws Exception {
    try (FakeGuestAgent agent = quietAgent(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      var processes = call(host, AgentMessage.newBuilder().setListProcesses(
          io.quantix.agent.proto.ListProcessesRequest.newBuilder().setFilter("nginx"))).getListProcessesResponse();
      assertThat(processes.getProcessesList()).extracting(p -> p.getPid()).containsExactly(1337, 1338);
      assertThat(call(host, AgentMessage.newBuilder().setKillProcess(io.quantix.agent.proto.KillProcessRequest.newBuilder()
          .setPid(1338).setSignal(15))).getKillProcessResponse().getSuccess()).isTrue();
      assertThat(call(host, AgentMessage.newBuilder().setKillProcess(io.quantix.agent.proto.KillProcessRequest.newBuilder()
          .setPid(1338))).getKillProcessResponse().getError()).contains("No such process");
      assertThat(call(host, AgentMessage.newBuilder().setListProcesses(io.quantix.agent.proto.ListProcessesRequest
          .newBuilder().setFilter("nginx"))).getListProcessesResponse().getProcessesCount()).isEqualTo(1);

      var stop = call(host, AgentMessage.newBuilder().setServiceControl(io.quantix.agent.proto.ServiceControlRequest
          .newBuilder().setName("nginx.service").setAction(io.quantix.agent.proto.ServiceAction.SERVICE_ACTION_STOP)));
      assertThat(stop.getServiceControlResponse().getNewState()).isEqualTo("stopped");
      var running = call(host, AgentMessage.newBuilder().setListServices(io.quantix.agent.proto.ListServicesRequest
          .newBuilder().setRunningOnly(true))).getListServicesResponse();
      assertThat(running.getServicesList()).extracting(s -> s.getName()).doesNotContain("nginx", "ufw").contains("ssh");
      assertThat(call(host, AgentMessage.newBuilder().setServiceControl(io.quantix.agent.proto.ServiceControlRequest
          .newBuilder().setName("nope"))).getServiceControlResponse().getError()).contains("not found");

      var hardware = call(host, AgentMessage.newBuilder().setGetHardwareInfo(io.quantix.agent.proto.GetHardwareInfoRequest
          .newBuilder().setIncludeCpuDetails(true))).getHardwareInfoResponse();
      assertThat(hardware.getHardware().getCpu().getFlagsList()).contains("hypervisor");
      assertThat(hardware.getHardware().getBios().getSystemManufacturer()).isEqualTo("QEMU");
      var software = call(host, AgentMessage.newBuilder().setListInstalledSoftware(io.quantix.agent.proto
          .ListInstalledSoftwareRequest.newBuilder().setFilter("lib").setMaxEntries(1))).getListInstalledSoftwareResponse();
      assertThat(software.getSoftwareCount()).isEqualTo(1);
      assertThat(software.getTotalCount()).isEqualTo(2);
    }
  }

  @Test
  void agentUpdateAppendsChunksVerifiesSha256AndTakesEffectOnRestart() throws Exception {
    byte[] binary = new byte[300_000];
    new java.util.Random(3).nextBytes(binary);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(binary));
    try (FakeGuestAgent agent = quietAgent(); HostConnection host = HostConnection.open(agent)) {
      host.next();
      AgentUpdateResponse first = update(host, AgentUpdateRequest.newBuilder().setTargetVersion("0.1.28")
          .setChecksumSha256(sha.toUpperCase()).setTotalSize(binary.length).setChunkNumber(0)
          .setBinaryData(ByteString.copyFrom(binary, 0, 100_000)));
      assertThat(first.getState()).isEqualTo(UpdateState.UPDATE_STATE_DOWNLOADING);
      assertThat(first.getProgressPercent()).isEqualTo(33);
      assertThat(first.getCurrentVersion()).isEqualTo("0.1.27");
      update(host, AgentUpdateRequest.newBuilder().setChunkNumber(1).setBinaryData(ByteString.copyFrom(binary, 100_000, 100_000)));
      AgentUpdateResponse last = update(host, AgentUpdateRequest.newBuilder().setChunkNumber(2).setIsLastChunk(true)
          .setBinaryData(ByteString.copyFrom(binary, 200_000, 100_000)));
      assertThat(last.getSuccess()).isTrue();
      assertThat(last.getState()).isEqualTo(UpdateState.UPDATE_STATE_COMPLETE);
      assertThat(last.getRestartRequired()).isTrue();
      assertThat(last.getProgressPercent()).isEqualTo(100);
      assertThat(java.nio.file.Files.readAllBytes(agent.sandbox().resolve("usr/local/bin/quantix-kvm-agent"))).isEqualTo(binary);
      assertThat(agent.guest().installedUpdate()).contains("0.1.28");

      agent.restartAgent();
      AgentMessage ready = host.next();
      assertThat(ready.getAgentReady().getVersion()).isEqualTo("0.1.28");

      AgentUpdateResponse bad = update(host, AgentUpdateRequest.newBuilder().setTargetVersion("0.1.29").setChunkNumber(0)
          .setChecksumSha256("00".repeat(32)).setIsLastChunk(true).setBinaryData(ByteString.copyFromUtf8("x")));
      assertThat(bad.getSuccess()).isFalse();
      assertThat(bad.getState()).isEqualTo(UpdateState.UPDATE_STATE_FAILED);
      assertThat(bad.getError()).startsWith("Checksum mismatch");
      assertThat(update(host, AgentUpdateRequest.newBuilder().setChunkNumber(4)).getError()).isEqualTo("No update in progress");
    }
  }

  static AgentUpdateResponse update(HostConnection host, AgentUpdateRequest.Builder request) throws Exception {
    return call(host, AgentMessage.newBuilder().setAgentUpdate(request)).getAgentUpdateResponse();
  }
}
