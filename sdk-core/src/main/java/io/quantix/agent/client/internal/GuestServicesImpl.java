package io.quantix.agent.client.internal;

import io.quantix.agent.client.GuestService;
import io.quantix.agent.client.GuestServices;
import io.quantix.agent.client.ServiceState;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ListServicesRequest;
import io.quantix.agent.proto.ListServicesResponse;
import io.quantix.agent.proto.ServiceAction;
import io.quantix.agent.proto.ServiceControlRequest;
import io.quantix.agent.proto.ServiceControlResponse;
import io.quantix.agent.proto.ServiceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/** {@link GuestServices} over one client view. */
final class GuestServicesImpl implements GuestServices {
  private final AgentClientImpl client;

  GuestServicesImpl(AgentClientImpl client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<List<GuestService>> list(String filter, boolean runningOnly) {
    return Replies.guarded(() -> {
      OpChecks.singleLine(filter, 256, "filter");
      AgentMessage request = AgentMessage.newBuilder().setListServices(
          ListServicesRequest.newBuilder().setFilter(filter).setRunningOnly(runningOnly)).build();
      return client.call(Operation.LIST_SERVICES, request, reply -> {
        ListServicesResponse r = reply.getListServicesResponse();
        Replies.requireSuccess("list services", r.getSuccess(), r.getError());
        List<GuestService> out = new ArrayList<>(r.getServicesCount());
        for (ServiceInfo s : r.getServicesList()) {
          out.add(new GuestService(s.getName(), s.getDisplayName(), s.getState(),
              s.getStartType(), s.getDescription(), Replies.unsigned(s.getPid()),
              s.getMemoryBytes()));
        }
        return List.copyOf(out);
      });
    });
  }

  @Override
  public CompletableFuture<ServiceState> start(String name) {
    return control(name, ServiceState.Action.START);
  }

  @Override
  public CompletableFuture<ServiceState> stop(String name) {
    return control(name, ServiceState.Action.STOP);
  }

  @Override
  public CompletableFuture<ServiceState> restart(String name) {
    return control(name, ServiceState.Action.RESTART);
  }

  @Override
  public CompletableFuture<ServiceState> enable(String name) {
    return control(name, ServiceState.Action.ENABLE);
  }

  @Override
  public CompletableFuture<ServiceState> disable(String name) {
    return control(name, ServiceState.Action.DISABLE);
  }

  @Override
  public CompletableFuture<ServiceState> status(String name) {
    return control(name, ServiceState.Action.STATUS);
  }

  private CompletableFuture<ServiceState> control(String name, ServiceState.Action action) {
    return Replies.guarded(() -> {
      OpChecks.serviceName(name);
      AgentMessage request = AgentMessage.newBuilder().setServiceControl(
          ServiceControlRequest.newBuilder().setName(name).setAction(wire(action))).build();
      // STATUS only reads, so it may be retried like any idempotent call.
      AgentClientImpl via = action == ServiceState.Action.STATUS
          ? new AgentClientImpl(client.link(), client.options().withRetryOfNonIdempotent(true))
          : client;
      String what = action.name().toLowerCase(Locale.ROOT) + " service " + name;
      return via.call(Operation.SERVICE_CONTROL, request, reply -> {
        ServiceControlResponse r = reply.getServiceControlResponse();
        Replies.requireSuccess(what, r.getSuccess(), r.getError());
        return new ServiceState(name, action, r.getNewState());
      });
    });
  }

  static ServiceAction wire(ServiceState.Action action) {
    switch (action) {
      case START:
        return ServiceAction.SERVICE_ACTION_START;
      case STOP:
        return ServiceAction.SERVICE_ACTION_STOP;
      case RESTART:
        return ServiceAction.SERVICE_ACTION_RESTART;
      case ENABLE:
        return ServiceAction.SERVICE_ACTION_ENABLE;
      case DISABLE:
        return ServiceAction.SERVICE_ACTION_DISABLE;
      default:
        return ServiceAction.SERVICE_ACTION_STATUS;
    }
  }
}
