package io.quantix.agent.client.internal;

import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ShutdownType;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Describes a request as the {@link GuardedCall} a guard judges and an audit record shows: read
 * from the very message that will be sent, so a policy checks what the agent will see. Secrets
 * never enter the description: passwords and secret-looking environment values are redacted,
 * file, clipboard and network-configuration contents are reduced to their size.
 */
final class GuardedCalls {
  /** Environment names whose values are never shown. */
  static final Pattern SECRET_NAME = Pattern.compile(
      "(?i).*(PASS|PWD|SECRET|TOKEN|KEY|CRED|AUTH|PRIVATE|SESSION|COOKIE|SIGN|CERT).*");

  private GuardedCalls() {}

  /** The description of one single-request operation. */
  static GuardedCall of(String vmId, String principal, AgentMessage request) {
    GuardedCall.Builder b;
    switch (request.getPayloadCase()) {
      case EXECUTE:
        return exec(vmId, principal, request.getExecute());
      case SHUTDOWN: {
        ShutdownType type = request.getShutdown().getType();
        GuestOperation op = type == ShutdownType.SHUTDOWN_TYPE_REBOOT ? GuestOperation.REBOOT
            : type == ShutdownType.SHUTDOWN_TYPE_HALT ? GuestOperation.HALT
            : GuestOperation.POWER_OFF;
        b = GuardedCall.builder(vmId, op)
            .argument("delay", request.getShutdown().getDelaySeconds() + "s");
        break;
      }
      case RESET_PASSWORD:
        b = GuardedCall.builder(vmId, GuestOperation.RESET_PASSWORD)
            .argument("username", request.getResetPassword().getUsername())
            .argument("password", GuardedCall.REDACTED)
            .argument("expire", Boolean.toString(request.getResetPassword().getExpire()));
        break;
      case CONFIGURE_NETWORK:
        // Netplan text may hold Wi-Fi passwords and keys: only its size is shown.
        b = GuardedCall.builder(vmId, GuestOperation.CONFIGURE_NETWORK)
            .bytes(request.getConfigureNetwork().getNetplanConfigBytes().size())
            .argument("config", GuardedCall.REDACTED)
            .argument("apply_now", Boolean.toString(request.getConfigureNetwork().getApplyNow()));
        break;
      case QUIESCE:
        b = GuardedCall.builder(vmId, GuestOperation.QUIESCE)
            .argument("mounts", String.join(",", request.getQuiesce().getMountPointsList()))
            .argument("timeout", request.getQuiesce().getTimeoutSeconds() + "s")
            .argument("scripts", Boolean.toString(request.getQuiesce().getRunPreFreezeScripts()));
        break;
      case THAW:
        b = GuardedCall.builder(vmId, GuestOperation.THAW)
            .argument("mounts", String.join(",", request.getThaw().getMountPointsList()))
            .argument("scripts", Boolean.toString(request.getThaw().getRunPostThawScripts()));
        break;
      case SYNC_TIME:
        b = GuardedCall.builder(vmId, GuestOperation.SYNC_TIME)
            .argument("force", Boolean.toString(request.getSyncTime().getForce()));
        if (request.getSyncTime().hasSetTime()) {
          b.argument("set_time", Replies.instant(true, request.getSyncTime().getSetTime())
              .toString());
        }
        break;
      case FILE_READ:
        b = GuardedCall.builder(vmId, GuestOperation.DOWNLOAD)
            .path(request.getFileRead().getPath());
        break;
      case FILE_WRITE:
        b = GuardedCall.builder(vmId, GuestOperation.UPLOAD)
            .path(request.getFileWrite().getPath())
            .bytes(request.getFileWrite().getData().size());
        break;
      case LIST_DIRECTORY:
        b = GuardedCall.builder(vmId, GuestOperation.LIST)
            .path(request.getListDirectory().getPath());
        break;
      case CREATE_DIRECTORY:
        b = GuardedCall.builder(vmId, GuestOperation.MKDIR)
            .path(request.getCreateDirectory().getPath())
            .argument("parents", Boolean.toString(request.getCreateDirectory().getCreateParents()))
            .argument("mode", Integer.toOctalString(request.getCreateDirectory().getMode()));
        break;
      case FILE_DELETE:
        b = GuardedCall.builder(vmId, GuestOperation.DELETE)
            .path(request.getFileDelete().getPath())
            .argument("recursive", Boolean.toString(request.getFileDelete().getRecursive()));
        break;
      case FILE_STAT:
        b = GuardedCall.builder(vmId, GuestOperation.STAT).path(request.getFileStat().getPath());
        break;
      case DISPLAY_RESIZE:
        b = GuardedCall.builder(vmId, GuestOperation.DISPLAY_RESIZE)
            .argument("width", Integer.toString(request.getDisplayResize().getWidth()))
            .argument("height", Integer.toString(request.getDisplayResize().getHeight()))
            .argument("display", request.getDisplayResize().getDisplayId());
        break;
      case CLIPBOARD_UPDATE:
        b = GuardedCall.builder(vmId, GuestOperation.CLIPBOARD_SET)
            .bytes(request.getClipboardUpdate().getData().size())
            .argument("type", request.getClipboardUpdate().getType().name());
        break;
      case CLIPBOARD_GET:
        b = GuardedCall.builder(vmId, GuestOperation.CLIPBOARD_GET);
        break;
      case LIST_PROCESSES:
        b = GuardedCall.builder(vmId, GuestOperation.LIST_PROCESSES);
        break;
      case KILL_PROCESS:
        b = GuardedCall.builder(vmId, GuestOperation.KILL_PROCESS)
            .argument("pid", Integer.toUnsignedString(request.getKillProcess().getPid()))
            .argument("signal", Integer.toString(request.getKillProcess().getSignal()));
        break;
      case LIST_SERVICES:
        b = GuardedCall.builder(vmId, GuestOperation.LIST_SERVICES);
        break;
      case SERVICE_CONTROL:
        b = GuardedCall.builder(vmId, GuestOperation.SERVICE_CONTROL)
            .argument("service", request.getServiceControl().getName())
            .argument("action", request.getServiceControl().getAction().name());
        break;
      case GET_HARDWARE_INFO:
        b = GuardedCall.builder(vmId, GuestOperation.HARDWARE_INFO);
        break;
      case LIST_INSTALLED_SOFTWARE:
        b = GuardedCall.builder(vmId, GuestOperation.LIST_SOFTWARE);
        break;
      case AGENT_UPDATE:
        b = GuardedCall.builder(vmId, GuestOperation.AGENT_UPDATE)
            .argument("target", request.getAgentUpdate().getTargetVersion());
        break;
      case GET_CAPABILITIES:
        b = GuardedCall.builder(vmId, GuestOperation.CAPABILITIES);
        break;
      case PING:
      default:  // every request payload is listed above; a new one is judged as the harmless ping
        b = GuardedCall.builder(vmId, GuestOperation.PING);
        break;
    }
    return b.principal(principal).build();
  }

  private static GuardedCall exec(String vmId, String principal, ExecuteRequest r) {
    int seconds = r.getTimeoutSeconds();
    Duration effective = seconds <= 0 || seconds > 300 ? Duration.ofSeconds(300)
        : Duration.ofSeconds(seconds);
    GuardedCall.Builder b = GuardedCall.builder(vmId, GuestOperation.EXEC).principal(principal)
        .command(r.getCommand(), r.getArgsList())
        .user(r.getRunAsUser())
        .workingDirectory(r.getWorkingDirectory())
        .timeout(effective);
    if (!r.getRunAsGroup().isEmpty()) {
      b.argument("group", r.getRunAsGroup());
    }
    if (!r.getWaitForExit()) {
      b.argument("detached", "true");
    }
    for (Map.Entry<String, String> e : r.getEnvironmentMap().entrySet()) {
      b.argument("env." + e.getKey(),
          SECRET_NAME.matcher(e.getKey()).matches() ? GuardedCall.REDACTED : e.getValue());
    }
    return b.build();
  }
}
