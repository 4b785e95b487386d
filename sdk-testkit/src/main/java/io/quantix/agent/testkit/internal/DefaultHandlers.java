package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The built-in handler of every request type, by payload. Runs on the worker executor. Not API. */
final class DefaultHandlers {
  private DefaultHandlers() {}

  static CompletionStage<AgentMessage> handle(AgentCore core, AgentMessage request) {
    switch (request.getPayloadCase()) {
      case EXECUTE:
        return ExecHandler.execute(core, request);
      default:
        return CompletableFuture.completedFuture(handleNow(core, request));
    }
  }

  private static AgentMessage handleNow(AgentCore core, AgentMessage request) {
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
