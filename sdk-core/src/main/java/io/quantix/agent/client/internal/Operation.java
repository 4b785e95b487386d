package io.quantix.agent.client.internal;

import io.quantix.agent.proto.AgentMessage.PayloadCase;

/**
 * Every request type of the protocol with its response type, the capability that gates it, and
 * whether it is idempotent (safe to retry after it may have reached the agent).
 */
public enum Operation {
  PING(PayloadCase.PING, PayloadCase.PONG, null, true),
  EXECUTE(PayloadCase.EXECUTE, PayloadCase.EXECUTE_RESPONSE, "execute", false),
  FILE_WRITE(PayloadCase.FILE_WRITE, PayloadCase.FILE_WRITE_RESPONSE, "file_write", false),
  FILE_READ(PayloadCase.FILE_READ, PayloadCase.FILE_READ_RESPONSE, "file_read", true),
  SHUTDOWN(PayloadCase.SHUTDOWN, PayloadCase.SHUTDOWN_RESPONSE, "shutdown", false),
  RESET_PASSWORD(PayloadCase.RESET_PASSWORD, PayloadCase.RESET_PASSWORD_RESPONSE,
      "reset_password", false),
  CONFIGURE_NETWORK(PayloadCase.CONFIGURE_NETWORK, PayloadCase.CONFIGURE_NETWORK_RESPONSE,
      "configure_network", false),
  QUIESCE(PayloadCase.QUIESCE, PayloadCase.QUIESCE_RESPONSE, "quiesce", false),
  THAW(PayloadCase.THAW, PayloadCase.THAW_RESPONSE, "thaw", false),
  SYNC_TIME(PayloadCase.SYNC_TIME, PayloadCase.SYNC_TIME_RESPONSE, "sync_time", false),
  LIST_DIRECTORY(PayloadCase.LIST_DIRECTORY, PayloadCase.LIST_DIRECTORY_RESPONSE, "file_list", true),
  CREATE_DIRECTORY(PayloadCase.CREATE_DIRECTORY, PayloadCase.CREATE_DIRECTORY_RESPONSE,
      "directory_create", false),
  FILE_DELETE(PayloadCase.FILE_DELETE, PayloadCase.FILE_DELETE_RESPONSE, "file_delete", false),
  FILE_STAT(PayloadCase.FILE_STAT, PayloadCase.FILE_STAT_RESPONSE, "file_stat", true),
  DISPLAY_RESIZE(PayloadCase.DISPLAY_RESIZE, PayloadCase.DISPLAY_RESIZE_RESPONSE, "display_resize",
      false),
  CLIPBOARD_UPDATE(PayloadCase.CLIPBOARD_UPDATE, PayloadCase.CLIPBOARD_UPDATE_RESPONSE, "clipboard",
      false),
  CLIPBOARD_GET(PayloadCase.CLIPBOARD_GET, PayloadCase.CLIPBOARD_GET_RESPONSE, "clipboard", true),
  LIST_PROCESSES(PayloadCase.LIST_PROCESSES, PayloadCase.LIST_PROCESSES_RESPONSE, "process_list",
      true),
  KILL_PROCESS(PayloadCase.KILL_PROCESS, PayloadCase.KILL_PROCESS_RESPONSE, "process_kill", false),
  LIST_SERVICES(PayloadCase.LIST_SERVICES, PayloadCase.LIST_SERVICES_RESPONSE, "service_list", true),
  SERVICE_CONTROL(PayloadCase.SERVICE_CONTROL, PayloadCase.SERVICE_CONTROL_RESPONSE,
      "service_control", false),
  GET_HARDWARE_INFO(PayloadCase.GET_HARDWARE_INFO, PayloadCase.HARDWARE_INFO_RESPONSE,
      "hardware_info", true),
  LIST_INSTALLED_SOFTWARE(PayloadCase.LIST_INSTALLED_SOFTWARE,
      PayloadCase.LIST_INSTALLED_SOFTWARE_RESPONSE, "software_list", true),
  AGENT_UPDATE(PayloadCase.AGENT_UPDATE, PayloadCase.AGENT_UPDATE_RESPONSE, "self_update", false),
  GET_CAPABILITIES(PayloadCase.GET_CAPABILITIES, PayloadCase.GET_CAPABILITIES_RESPONSE, null, true);

  private final PayloadCase request;
  private final PayloadCase response;
  private final String capability;
  private final boolean idempotent;
  private final String metricName;

  Operation(PayloadCase request, PayloadCase response, String capability, boolean idempotent) {
    this.request = request;
    this.response = response;
    this.capability = capability;
    this.idempotent = idempotent;
    this.metricName = name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The request payload case. */
  public PayloadCase request() {
    return request;
  }

  /** The payload case of the only valid reply. */
  public PayloadCase response() {
    return response;
  }

  /** The AgentReady capability that gates this operation, or null when always available. */
  public String capability() {
    return capability;
  }

  /** Whether the operation may be retried after it may have reached the agent. */
  public boolean idempotent() {
    return idempotent;
  }

  /** Lower-case name for metrics and logs. */
  public String metricName() {
    return metricName;
  }
}
