package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ClipboardGetResponse;
import io.quantix.agent.proto.ClipboardType;
import io.quantix.agent.proto.ClipboardUpdateRequest;
import io.quantix.agent.proto.ClipboardUpdateResponse;
import io.quantix.agent.proto.ConfigureNetworkResponse;
import io.quantix.agent.proto.DisplayResizeRequest;
import io.quantix.agent.proto.DisplayResizeResponse;
import io.quantix.agent.proto.FrozenFilesystem;
import io.quantix.agent.proto.PongResponse;
import io.quantix.agent.proto.QuiesceFilesystemsRequest;
import io.quantix.agent.proto.QuiesceFilesystemsResponse;
import io.quantix.agent.proto.ResetPasswordRequest;
import io.quantix.agent.proto.ResetPasswordResponse;
import io.quantix.agent.proto.ShutdownRequest;
import io.quantix.agent.proto.ShutdownResponse;
import io.quantix.agent.proto.ShutdownType;
import io.quantix.agent.proto.SyncTimeRequest;
import io.quantix.agent.proto.SyncTimeResponse;
import io.quantix.agent.proto.ThawFilesystemsResponse;
import io.quantix.agent.testkit.GuestState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ping, shutdown, quiesce/thaw, time, password, network, display and clipboard. Nothing touches the
 * machine running the tests: effects are recorded in the guest state. Not API.
 */
final class SystemHandlers {
  private static final Logger log = LoggerFactory.getLogger(SystemHandlers.class);
  /** The guest's freezable filesystems: mount point, device, type. */
  static final List<String[]> MOUNTS = List.of(
      new String[] {"/", "/dev/vda1", "ext4"}, new String[] {"/boot", "/dev/vda15", "ext4"});
  static final int DEFAULT_QUIESCE_TIMEOUT_SECONDS = 60;
  /** How long a simulated reboot takes before the agent says AgentReady again. */
  static final Duration REBOOT_TIME = Duration.ofMillis(500);

  private final GuestInfo guest;
  private final Lazy<GuestStateImpl, RuntimeException> state;
  private final GuestControl control;
  private final ScheduledExecutorService timers;
  private final String label;

  SystemHandlers(GuestInfo guest, Lazy<GuestStateImpl, RuntimeException> state, GuestControl control,
      ScheduledExecutorService timers, String label) {
    this.guest = guest;
    this.state = state;
    this.control = control;
    this.timers = timers;
    this.label = label;
  }

  AgentMessage ping(AgentMessage request) {
    return Messages.replyTo(request).setPong(PongResponse.newBuilder()
        .setSequence(request.getPing().getSequence())
        .setVersion(guest.version())
        .setUptimeSeconds(guest.uptimeSeconds())).build();
  }

  /**
   * Delay under 60 s runs poweroff/reboot/halt at once: no reply; poweroff and halt end the host
   * connection, a reboot says AgentReady again shortly. Otherwise (or with shutdownReplies) the
   * shutdown is scheduled and accepted.
   */
  AgentMessage shutdown(AgentMessage request) {
    ShutdownRequest r = request.getShutdown();
    state.get().shutdown(new GuestState.Shutdown(r.getType(), r.getDelaySeconds(), r.getMessage()));
    if (r.getDelaySeconds() >= 60 || guest.settings().shutdownReplies()) {
      return Messages.replyTo(request).setShutdownResponse(ShutdownResponse.newBuilder().setAccepted(true)).build();
    }
    if (r.getType() == ShutdownType.SHUTDOWN_TYPE_REBOOT) {
      control.reboot();
    } else {
      control.powerOff();
    }
    return null;
  }

  AgentMessage resetPassword(AgentMessage request) {
    ResetPasswordRequest r = request.getResetPassword();
    ResetPasswordResponse.Builder response = ResetPasswordResponse.newBuilder();
    if (r.getUsername().isEmpty()) {
      response.setError("Username is required");
    } else {
      state.get().passwordReset(new GuestState.PasswordReset(r.getUsername(), r.getNewPassword(), r.getExpire()));
      log.debug("fake agent {}: password of {} reset (not applied)", label, r.getUsername());
      response.setSuccess(true);
    }
    return Messages.replyTo(request).setResetPasswordResponse(response).build();
  }

  AgentMessage configureNetwork(AgentMessage request) {
    state.get().networkChange(new GuestState.NetworkChange(
        request.getConfigureNetwork().getNetplanConfig(), request.getConfigureNetwork().getApplyNow()));
    return Messages.replyTo(request).setConfigureNetworkResponse(
        ConfigureNetworkResponse.newBuilder().setSuccess(true)).build();
  }

  AgentMessage quiesce(AgentMessage request) {
    QuiesceFilesystemsRequest r = request.getQuiesce();
    QuiesceFilesystemsResponse.Builder response = QuiesceFilesystemsResponse.newBuilder();
    List<String[]> targets = new ArrayList<>();
    if (r.getMountPointsCount() == 0) {
      targets.addAll(MOUNTS);
    } else {
      for (String mount : r.getMountPointsList()) {
        String[] known = MOUNTS.stream().filter(m -> m[0].equals(mount)).findFirst().orElse(null);
        if (known == null) {
          response.setError("Failed to freeze " + mount + ": fsfreeze: " + mount + ": not a mount point");
          return Messages.replyTo(request).setQuiesceResponse(response).build();
        }
        targets.add(known);
      }
    }
    List<String> points = new ArrayList<>();
    targets.forEach(m -> points.add(m[0]));
    GuestStateImpl state = this.state.get();
    String busy = state.freeze(points, System.nanoTime());
    if (busy != null) {
      response.setError("Failed to freeze " + busy + ": fsfreeze: " + busy + ": Device or resource busy");
      return Messages.replyTo(request).setQuiesceResponse(response).build();
    }
    int timeout = r.getTimeoutSeconds() == 0 ? DEFAULT_QUIESCE_TIMEOUT_SECONDS : r.getTimeoutSeconds();
    state.autoThaw(timers.schedule(() -> {
      List<String> thawed = state.thaw(List.of(), true);
      log.info("fake agent {}: auto-thawed {} after {} s", label, thawed, timeout);
    }, timeout, TimeUnit.SECONDS));
    for (String[] m : targets) {
      response.addFrozen(FrozenFilesystem.newBuilder().setMountPoint(m[0]).setDevice(m[1]).setFilesystem(m[2]).setFrozen(true));
    }
    return Messages.replyTo(request).setQuiesceResponse(response.setSuccess(true)
        .setQuiesceToken(Messages.newId())
        .setAutoThawAt(Messages.timestamp(Instant.now().plusSeconds(timeout)))).build();
  }

  AgentMessage thaw(AgentMessage request) {
    long started = System.nanoTime();
    List<String> thawed = state.get().thaw(request.getThaw().getMountPointsList(), false);
    return Messages.replyTo(request).setThawResponse(ThawFilesystemsResponse.newBuilder()
        .setSuccess(true)
        .addAllThawedMountPoints(thawed)
        .setFrozenDurationMs(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))).build();
  }

  AgentMessage syncTime(AgentMessage request) {
    SyncTimeRequest r = request.getSyncTime();
    Instant now = Instant.now();
    SyncTimeResponse.Builder response = SyncTimeResponse.newBuilder().setSuccess(true);
    if (r.hasSetTime()) {
      Instant target = Messages.instant(r.getSetTime());
      response.setOffsetSeconds(Duration.between(now, target).toNanos() / 1e9)
          .setCurrentTime(r.getSetTime())
          .setTimeSource("manual");
      state.get().timeSync(new GuestState.TimeSync(target, r.getForce(), now));
    } else {
      response.setOffsetSeconds(0.000_412).setCurrentTime(Messages.timestamp(now)).setTimeSource("chrony");
      state.get().timeSync(new GuestState.TimeSync(null, r.getForce(), now));
    }
    return Messages.replyTo(request).setSyncTimeResponse(response).build();
  }

  AgentMessage displayResize(AgentMessage request) {
    DisplayResizeRequest r = request.getDisplayResize();
    DisplayResizeResponse.Builder response = DisplayResizeResponse.newBuilder();
    if (r.getWidth() == 0 || r.getHeight() == 0) {
      response.setError("Invalid resolution " + r.getWidth() + "x" + r.getHeight());
    } else {
      state.get().display(new GuestState.Display(r.getWidth(), r.getHeight(), r.getDpi()));
      response.setSuccess(true).setActualWidth(r.getWidth()).setActualHeight(r.getHeight());
    }
    return Messages.replyTo(request).setDisplayResizeResponse(response).build();
  }

  AgentMessage clipboardUpdate(AgentMessage request) {
    ClipboardUpdateRequest r = request.getClipboardUpdate();
    state.get().clipboard(new GuestState.Clipboard(r.getType(), r.getData(), r.getMimeType()));
    return Messages.replyTo(request).setClipboardUpdateResponse(
        ClipboardUpdateResponse.newBuilder().setSuccess(true)).build();
  }

  AgentMessage clipboardGet(AgentMessage request) {
    GuestState.Clipboard clip = state.get().clipboard().orElse(null);
    ClipboardGetResponse.Builder response = ClipboardGetResponse.newBuilder().setSuccess(true);
    if (clip == null) {
      response.setType(ClipboardType.CLIPBOARD_TYPE_TEXT).setMimeType("text/plain");
    } else {
      response.setType(clip.type()).setData(clip.data()).setMimeType(clip.mimeType());
    }
    return Messages.replyTo(request).setClipboardGetResponse(response).build();
  }

  AgentMessage capabilities(AgentMessage request) {
    return Messages.replyTo(request).setGetCapabilitiesResponse(guest.capabilities()).build();
  }
}
