package io.quantix.agent.agentctl;

import io.quantix.agent.client.GuestProcess;
import io.quantix.agent.client.ProcessQuery;
import io.quantix.agent.client.ProcessSignal;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl ps} and {@code agentctl kill}: the guest's processes. */
final class ProcessCommands {
  private ProcessCommands() {}

  /** {@code agentctl ps [--filter TEXT]}. */
  @Command(name = "ps", description = {"The guest's processes.",
      "PID, parent, user, CPU share, memory, state and command line of each guest process. With "
          + "--json, one object per process."})
  static final class Ps extends AgentCommand {
    @Option(names = "--filter", paramLabel = "TEXT",
        description = "only processes whose name contains TEXT")
    String filter;

    @Option(names = "--threads", description = "include threads")
    boolean threads;

    @Override
    int run(Target target) throws Exception {
      ProcessQuery query = ProcessQuery.ALL.withThreads(threads);
      if (filter != null) {
        query = query.withFilter(filter);
      }
      List<GuestProcess> list = Target.await(target.client().processes().list(query));
      PrintWriter out = out();
      if (json()) {
        for (GuestProcess p : list) {
          out.println(line(Json.obj().put("pid", p.pid()).put("parentPid", p.parentPid())
              .put("name", p.name()).put("commandLine", p.commandLine()).put("user", p.user())
              .put("cpuPercent", p.cpuPercent()).put("memoryBytes", p.memoryBytes())
              .put("state", p.state()).put("startedAt", p.startedAt())
              .put("threadCount", p.threadCount())
              .put("workingDirectory", p.workingDirectory())));
        }
      } else {
        Table t = new Table("PID", "PPID", "USER", "CPU%", "MEMORY", "STATE", "COMMAND")
            .alignRight(0).alignRight(1).alignRight(3).alignRight(4);
        for (GuestProcess p : list) {
          t.row(p.pid(), p.parentPid(), p.user().isEmpty() ? "-" : p.user(),
              String.format(Locale.ROOT, "%.1f", p.cpuPercent()), Format.bytes(p.memoryBytes()),
              p.state(), p.commandLine().isEmpty() ? p.name() : p.commandLine());
        }
        t.print(out);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code agentctl kill [-s SIGNAL] PID}. */
  @Command(name = "kill", description = {"Send a signal to a guest process.",
      "TERM by default; HUP, INT, QUIT, KILL by name. The agent falls back to KILL when the "
          + "signal cannot be delivered."})
  static final class Kill extends AgentCommand {
    @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL",
        description = "one of ${COMPLETION-CANDIDATES} (default TERM)")
    ProcessSignal signal = ProcessSignal.TERM;

    @Parameters(paramLabel = "PID", description = "guest process id")
    long pid;

    @Override
    void check() {
      if (pid < 1) {
        throw CliError.usage("PID must be positive, was " + pid);
      }
    }

    @Override
    int run(Target target) throws Exception {
      Target.await(target.client().processes().kill(pid, signal));
      emit(Json.obj().put("pid", pid).put("signal", signal.name()).put("sent", true),
          target.vmId() + ": sent " + signal.name() + " to " + pid);
      return ExitCodes.OK;
    }
  }
}
