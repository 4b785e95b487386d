package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.GetHardwareInfoRequest;
import io.quantix.agent.proto.GetHardwareInfoResponse;
import io.quantix.agent.proto.InstalledSoftware;
import io.quantix.agent.proto.KillProcessResponse;
import io.quantix.agent.proto.ListInstalledSoftwareRequest;
import io.quantix.agent.proto.ListInstalledSoftwareResponse;
import io.quantix.agent.proto.ListProcessesRequest;
import io.quantix.agent.proto.ListProcessesResponse;
import io.quantix.agent.proto.ListServicesRequest;
import io.quantix.agent.proto.ListServicesResponse;
import io.quantix.agent.proto.ProcessInfo;
import io.quantix.agent.proto.ServiceControlRequest;
import io.quantix.agent.proto.ServiceControlResponse;
import io.quantix.agent.proto.ServiceInfo;
import java.util.Locale;

/** Processes, services, hardware and software from canned data plus the guest state. Not API. */
final class InventoryHandlers {
  private final Lazy<GuestStateImpl, RuntimeException> state;
  private final GuestInfo guest;

  InventoryHandlers(Lazy<GuestStateImpl, RuntimeException> state, GuestInfo guest) {
    this.state = state;
    this.guest = guest;
  }

  AgentMessage listProcesses(AgentMessage request) {
    ListProcessesRequest r = request.getListProcesses();
    ListProcessesResponse.Builder response = ListProcessesResponse.newBuilder().setSuccess(true);
    GuestStateImpl state = this.state.get();
    for (ProcessInfo process : CannedData.PROCESSES) {
      if (r.getMaxEntries() > 0 && response.getProcessesCount() >= r.getMaxEntries()) {
        break;
      }
      if (!state.isKilled(process.getPid())
          && (matches(process.getName(), r.getFilter()) || matches(process.getCommandLine(), r.getFilter()))) {
        response.addProcesses(process.toBuilder().setStartedAt(Messages.timestamp(
            java.time.Instant.now().minusSeconds(guest.uptimeSeconds() - process.getPid() / 10))));
      }
    }
    for (GuestStateImpl.RunningCommand command : state.running()) {
      String name = command.commandLine().trim().split("\\s+")[0];
      if ((r.getMaxEntries() == 0 || response.getProcessesCount() < r.getMaxEntries())
          && (matches(name, r.getFilter()) || matches(command.commandLine(), r.getFilter()))) {
        response.addProcesses(ProcessInfo.newBuilder().setPid(command.pid()).setPpid(845).setName(name)
            .setCommandLine(command.commandLine()).setUser(command.user()).setState("Sleeping").setThreadCount(1)
            .setWorkingDirectory("/"));
      }
    }
    return Messages.replyTo(request).setListProcessesResponse(response).build();
  }

  AgentMessage killProcess(AgentMessage request) {
    int pid = request.getKillProcess().getPid();
    boolean exists = CannedData.PROCESSES.stream().anyMatch(p -> p.getPid() == pid);
    KillProcessResponse.Builder response = KillProcessResponse.newBuilder();
    if (state.get().killCommand(pid) || (exists && state.get().kill(pid))) {
      response.setSuccess(true);
    } else {
      response.setError("Failed to kill process " + pid + ": ESRCH: No such process");
    }
    return Messages.replyTo(request).setKillProcessResponse(response).build();
  }

  AgentMessage listServices(AgentMessage request) {
    ListServicesRequest r = request.getListServices();
    ListServicesResponse.Builder response = ListServicesResponse.newBuilder().setSuccess(true);
    for (ServiceInfo service : CannedData.SERVICES) {
      ServiceInfo current = current(state.get(), service);
      if (matches(current.getName(), r.getFilter()) && (!r.getRunningOnly() || current.getState().equals("running"))) {
        response.addServices(current);
      }
    }
    return Messages.replyTo(request).setListServicesResponse(response).build();
  }

  AgentMessage serviceControl(AgentMessage request) {
    ServiceControlRequest r = request.getServiceControl();
    String name = r.getName().endsWith(".service") ? r.getName().substring(0, r.getName().length() - 8) : r.getName();
    ServiceInfo service = CannedData.SERVICES.stream().filter(s -> s.getName().equals(name)).findFirst().orElse(null);
    ServiceControlResponse.Builder response = ServiceControlResponse.newBuilder();
    if (service == null) {
      response.setError("Failed to control " + r.getName() + ": Unit " + name + ".service not found.");
      return Messages.replyTo(request).setServiceControlResponse(response).build();
    }
    GuestStateImpl state = this.state.get();
    switch (r.getAction()) {
      case SERVICE_ACTION_START:
      case SERVICE_ACTION_RESTART:
        state.serviceState(name, "running");
        break;
      case SERVICE_ACTION_STOP:
        state.serviceState(name, "stopped");
        break;
      case SERVICE_ACTION_ENABLE:
        state.serviceStartType(name, "enabled");
        break;
      case SERVICE_ACTION_DISABLE:
        state.serviceStartType(name, "disabled");
        break;
      default:
        break;
    }
    response.setSuccess(true).setNewState(current(state, service).getState());
    return Messages.replyTo(request).setServiceControlResponse(response).build();
  }

  AgentMessage hardware(AgentMessage request) {
    GetHardwareInfoRequest r = request.getGetHardwareInfo();
    return Messages.replyTo(request).setHardwareInfoResponse(GetHardwareInfoResponse.newBuilder().setSuccess(true)
        .setHardware(CannedData.hardware(guest, r.getIncludeCpuDetails(), r.getIncludeDiskDetails(),
            r.getIncludeNetworkDetails()))).build();
  }

  AgentMessage software(AgentMessage request) {
    ListInstalledSoftwareRequest r = request.getListInstalledSoftware();
    ListInstalledSoftwareResponse.Builder response = ListInstalledSoftwareResponse.newBuilder().setSuccess(true);
    int matched = 0;
    for (InstalledSoftware software : CannedData.SOFTWARE) {
      if (matches(software.getName(), r.getFilter())) {
        matched++;
        if (r.getMaxEntries() == 0 || response.getSoftwareCount() < r.getMaxEntries()) {
          response.addSoftware(software);
        }
      }
    }
    return Messages.replyTo(request).setListInstalledSoftwareResponse(response.setTotalCount(matched)).build();
  }

  private static ServiceInfo current(GuestStateImpl state, ServiceInfo service) {
    String changedState = state.serviceState(service.getName());
    String changedStart = state.serviceStartType(service.getName());
    if (changedState == null && changedStart == null) {
      return service;
    }
    ServiceInfo.Builder builder = service.toBuilder();
    if (changedState != null) {
      builder.setState(changedState);
      if (changedState.equals("stopped")) {
        builder.setPid(0).setMemoryBytes(0);
      }
    }
    if (changedStart != null) {
      builder.setStartType(changedStart);
    }
    return builder.build();
  }

  private static boolean matches(String value, String filter) {
    return filter.isEmpty() || value.toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT));
  }
}
