package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The built-in handler of every request type, by payload. The {@linkplain #runsInline cheap ones}
 * run on the connection's event loop; the others on the worker executor. Not API.
 */
final class DefaultHandlers {
  /**
   * Built-in handlers that only compute in memory (canned data, the guest state, timers): no file
   * system, no process, no waiting. They answer on the connection's event loop, without a hop to a
   * worker and back. Shutdown is not among them (it ends connections), nor anything that touches
   * the sandbox, runs a command or downloads an update.
   */
  private static final Set<PayloadCase> INLINE = EnumSet.of(
      PayloadCase.PING, PayloadCase.GET_CAPABILITIES, PayloadCase.SYNC_TIME, PayloadCase.RESET_PASSWORD,
      PayloadCase.CONFIGURE_NETWORK, PayloadCase.QUIESCE, PayloadCase.THAW, PayloadCase.DISPLAY_RESIZE,
      PayloadCase.CLIPBOARD_UPDATE, PayloadCase.CLIPBOARD_GET, PayloadCase.LIST_PROCESSES,
      PayloadCase.KILL_PROCESS, PayloadCase.LIST_SERVICES, PayloadCase.SERVICE_CONTROL,
      PayloadCase.GET_HARDWARE_INFO, PayloadCase.LIST_INSTALLED_SOFTWARE);

  private DefaultHandlers() {}

  /** True if the built-in handler of {@code payload} may run on an event loop. */
  static boolean runsInline(PayloadCase payload) {
    return INLINE.contains(payload);
  }

  static CompletionStage<AgentMessage> handle(AgentCore core, AgentMessage request) {
    switch (request.getPayloadCase()) {
      case EXECUTE:
        return ExecHandler.execute(core, request);
      default:
        return CompletableFuture.completedFuture(handleNow(core, request));
    }
  }

  /** The reply of a handler that completes at once (every one but EXECUTE); null for no reply. */
  static AgentMessage handleNow(AgentCore core, AgentMessage request) {
    switch (request.getPayloadCase()) {
      case PING: return SystemHandlers.ping(core, request);
      case FILE_WRITE: return FileHandlers.write(core, request);
      case FILE_READ: return FileHandlers.read(core, request);
      case SHUTDOWN: return SystemHandlers.shutdown(core, request);
      case RESET_PASSWORD: return SystemHandlers.resetPassword(core, request);
      case CONFIGURE_NETWORK: return SystemHandlers.configureNetwork(core, request);
      case QUIESCE: return SystemHandlers.quiesce(core, request);
      case THAW: return SystemHandlers.thaw(core, request);
      case SYNC_TIME: return SystemHandlers.syncTime(core, request);
      case LIST_DIRECTORY: return DirectoryListing.list(core, request);
      case CREATE_DIRECTORY: return FileHandlers.createDirectory(core, request);
      case FILE_DELETE: return FileHandlers.delete(core, request);
      case FILE_STAT: return FileHandlers.stat(core, request);
      case DISPLAY_RESIZE: return SystemHandlers.displayResize(core, request);
      case CLIPBOARD_UPDATE: return SystemHandlers.clipboardUpdate(core, request);
      case CLIPBOARD_GET: return SystemHandlers.clipboardGet(core, request);
      case LIST_PROCESSES: return InventoryHandlers.listProcesses(core, request);
      case KILL_PROCESS: return InventoryHandlers.killProcess(core, request);
      case LIST_SERVICES: return InventoryHandlers.listServices(core, request);
      case SERVICE_CONTROL: return InventoryHandlers.serviceControl(core, request);
      case GET_HARDWARE_INFO: return InventoryHandlers.hardware(core, request);
      case LIST_INSTALLED_SOFTWARE: return InventoryHandlers.software(core, request);
      case AGENT_UPDATE: return UpdateHandler.update(core, request);
      case GET_CAPABILITIES: return SystemHandlers.capabilities(core, request);
      default: return null;
    }
  }
}
