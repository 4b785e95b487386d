package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import io.quantix.agent.client.GuestProcess;
import io.quantix.agent.client.GuestProcesses;
import io.quantix.agent.client.ProcessQuery;
import io.quantix.agent.client.ProcessSignal;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.KillProcessRequest;
import io.quantix.agent.proto.KillProcessResponse;
import io.quantix.agent.proto.ListProcessesRequest;
import io.quantix.agent.proto.ListProcessesResponse;
import io.quantix.agent.proto.ProcessInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link GuestProcesses} over one client view. */
final class GuestProcessesImpl implements GuestProcesses {
  private static final long MAX_PID = 0xFFFF_FFFFL;

  private final AgentClientImpl client;

  GuestProcessesImpl(AgentClientImpl client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<List<GuestProcess>> list(ProcessQuery query) {
    return Replies.guarded(() -> {
      Checks.notNull(query, "query");
      AgentMessage request = AgentMessage.newBuilder().setListProcesses(
          ListProcessesRequest.newBuilder().setFilter(query.filter())
              .setIncludeThreads(query.includeThreads()).setMaxEntries(query.maxEntries()))
          .build();
      return client.call(Operation.LIST_PROCESSES, request, reply -> {
        ListProcessesResponse r = reply.getListProcessesResponse();
        Replies.requireSuccess("list processes", r.getSuccess(), r.getError());
        List<GuestProcess> out = new ArrayList<>(r.getProcessesCount());
        for (ProcessInfo p : r.getProcessesList()) {
          out.add(new GuestProcess(Replies.unsigned(p.getPid()), Replies.unsigned(p.getPpid()),
              p.getName(), p.getCommandLine(), p.getUser(), p.getCpuPercent(),
              p.getMemoryBytes(), p.getState(), Replies.instant(p.hasStartedAt(),
                  p.getStartedAt()), p.getThreadCount(), p.getWorkingDirectory()));
        }
        return List.copyOf(out);
      });
    });
  }

  @Override
  public CompletableFuture<Void> kill(long pid, ProcessSignal signal) {
    return Replies.guarded(() -> {
      if (pid < 1 || pid > MAX_PID) {
        throw Checks.invalid("pid must be within 1.." + MAX_PID + ", was " + pid);
      }
      Checks.notNull(signal, "signal");
      AgentMessage request = AgentMessage.newBuilder().setKillProcess(
          KillProcessRequest.newBuilder().setPid((int) pid).setSignal(signal.number())).build();
      return client.call(Operation.KILL_PROCESS, request, reply -> {
        KillProcessResponse r = reply.getKillProcessResponse();
        Replies.requireSuccess("kill " + pid, r.getSuccess(), r.getError());
        return null;
      });
    });
  }
}
