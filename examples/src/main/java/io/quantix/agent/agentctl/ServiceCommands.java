package io.quantix.agent.agentctl;

import io.quantix.agent.client.GuestService;
import io.quantix.agent.client.GuestServices;
import io.quantix.agent.client.ServiceState;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl svc list|status|start|stop|restart|enable|disable}: the guest's services. */
@Command(name = "svc", description = {"The guest's services (systemd units, Windows services).",
    "list shows every service; the others act on one NAME and print its state afterwards."},
    subcommands = {ServiceCommands.ListServices.class, ServiceCommands.Status.class,
        ServiceCommands.Start.class, ServiceCommands.Stop.class, ServiceCommands.Restart.class,
        ServiceCommands.Enable.class, ServiceCommands.Disable.class})
final class ServiceCommands extends GroupCommand {
  /** {@code agentctl svc list}. */
  @Command(name = "list", description = "List the guest's services: state, start type, pid, memory.")
  static final class ListServices extends AgentCommand {
    @Option(names = "--filter", paramLabel = "TEXT", description = "only names containing TEXT")
    String filter = "";

    @Option(names = "--running", description = "only running services")
    boolean running;

    @Override
    int run(Target target) throws Exception {
      List<GuestService> list = Target.await(target.client().services().list(filter, running));
      PrintWriter out = out();
      if (json()) {
        for (GuestService s : list) {
          out.println(line(Json.obj().put("name", s.name()).put("displayName", s.displayName())
              .put("state", s.state()).put("startType", s.startType())
              .put("description", s.description()).put("pid", s.pid())
              .put("memoryBytes", s.memoryBytes())));
        }
      } else {
        Table t = new Table("NAME", "STATE", "START", "PID", "MEMORY", "DESCRIPTION")
            .alignRight(3).alignRight(4);
        for (GuestService s : list) {
          t.row(s.name(), s.state(), s.startType(), s.pid() > 0 ? s.pid() : "-",
              s.memoryBytes() > 0 ? Format.bytes(s.memoryBytes()) : "-", s.description());
        }
        t.print(out);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** One action on one service. */
  abstract static class Action extends AgentCommand {
    @Parameters(paramLabel = "NAME", description = "service name, e.g. nginx or nginx.service")
    String name;

    abstract CompletableFuture<ServiceState> request(GuestServices services, String name);

    @Override
    int run(Target target) throws Exception {
      ServiceState s = Target.await(request(target.client().services(), name));
      emit(Json.obj().put("service", s.name()).put("action", s.action().name())
              .put("state", s.state()),
          target.vmId() + ": " + s.name() + " " + s.state()
              + (s.action() == ServiceState.Action.STATUS ? "" : " (after "
              + s.action().name().toLowerCase(java.util.Locale.ROOT) + ")"));
      return ExitCodes.OK;
    }
  }

  /** {@code agentctl svc status NAME}. */
  @Command(name = "status", description = "A service's state.")
  static final class Status extends Action {
    @Override
    CompletableFuture<ServiceState> request(GuestServices services, String name) {
      return services.status(name);
    }
  }

  /** {@code agentctl svc start NAME}. */
  @Command(name = "start", description = "Start a service.")
  static final class Start extends Action {
    @Override
    CompletableFuture<ServiceState> request(GuestServices services, String name) {
      return services.start(name);
    }
  }

  /** {@code agentctl svc stop NAME}. */
  @Command(name = "stop", description = "Stop a service.")
  static final class Stop extends Action {
    @Override
    CompletableFuture<ServiceState> request(GuestServices services, String name) {
      return services.stop(name);
    }
  }

  /** {@code agentctl svc restart NAME}. */
  @Command(name = "restart", description = "Restart a service.")
  static final class Restart extends Action {
    @Override
    CompletableFuture<ServiceState> request(GuestServices services, String name) {
      return services.restart(name);
    }
  }

  /** {@code agentctl svc enable NAME}. */
  @Command(name = "enable", description = "Start a service at boot.")
  static final class Enable extends Action {
    @Override
    CompletableFuture<ServiceState> request(GuestServices services, String name) {
      return services.enable(name);
    }
  }

  /** {@code agentctl svc disable NAME}. */
  @Command(name = "disable", description = "Do not start a service at boot.")
  static final class Disable extends Action {
    @Override
    CompletableFuture<ServiceState> request(GuestServices services, String name) {
      return services.disable(name);
    }
  }
}
