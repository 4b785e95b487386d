package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.Dispatcher;
import io.quantix.agent.testkit.RecordedRequest;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The built-in agent: the default {@link Dispatcher}, answering every request type with the real
 * agent's semantics from the handlers it was given. The {@linkplain #runsInline cheap ones} may run
 * on the connection's event loop ({@link #answerNow}); the others on the worker executor. Not API.
 */
final class BuiltInDispatcher implements Dispatcher {
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

  private final SystemHandlers system;
  private final FileHandlers files;
  private final DirectoryListing directories;
  private final InventoryHandlers inventory;
  private final UpdateHandler update;
  private final ExecHandler exec;

  BuiltInDispatcher(SystemHandlers system, FileHandlers files, DirectoryListing directories,
      InventoryHandlers inventory, UpdateHandler update, ExecHandler exec) {
    this.system = system;
    this.files = files;
    this.directories = directories;
    this.inventory = inventory;
    this.update = update;
    this.exec = exec;
  }

  /** True if the built-in handler of {@code payload} may run on an event loop. */
  static boolean runsInline(PayloadCase payload) {
    return INLINE.contains(payload);
  }

  @Override
  public CompletionStage<AgentMessage> dispatch(RecordedRequest request) {
    return answer(request.message());
  }

  /** The built-in answer to {@code request}, as a handler of one request type would give it. */
  CompletionStage<AgentMessage> answer(AgentMessage request) {
    if (request.getPayloadCase() == PayloadCase.EXECUTE) {
      return exec.execute(request);
    }
    return CompletableFuture.completedFuture(answerNow(request));
  }

  /** The reply of a handler that completes at once (every one but EXECUTE); null for no reply. */
  AgentMessage answerNow(AgentMessage request) {
    switch (request.getPayloadCase()) {
      case PING: return system.ping(request);
      case FILE_WRITE: return files.write(request);
      case FILE_READ: return files.read(request);
      case SHUTDOWN: return system.shutdown(request);
      case RESET_PASSWORD: return system.resetPassword(request);
      case CONFIGURE_NETWORK: return system.configureNetwork(request);
      case QUIESCE: return system.quiesce(request);
      case THAW: return system.thaw(request);
      case SYNC_TIME: return system.syncTime(request);
      case LIST_DIRECTORY: return directories.list(request);
      case CREATE_DIRECTORY: return files.createDirectory(request);
      case FILE_DELETE: return files.delete(request);
      case FILE_STAT: return files.stat(request);
      case DISPLAY_RESIZE: return system.displayResize(request);
      case CLIPBOARD_UPDATE: return system.clipboardUpdate(request);
      case CLIPBOARD_GET: return system.clipboardGet(request);
      case LIST_PROCESSES: return inventory.listProcesses(request);
      case KILL_PROCESS: return inventory.killProcess(request);
      case LIST_SERVICES: return inventory.listServices(request);
      case SERVICE_CONTROL: return inventory.serviceControl(request);
      case GET_HARDWARE_INFO: return inventory.hardware(request);
      case LIST_INSTALLED_SOFTWARE: return inventory.software(request);
      case AGENT_UPDATE: return update.update(request);
      case GET_CAPABILITIES: return system.capabilities(request);
      default: return null;
    }
  }
}
