package io.quantix.agent.agentctl;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code agentctl status}: the dashboard question for every VM channel of a directory (or every
 * {@code -e} endpoint, one VM each), answered through one registry, as a host daemon would.
 */
@Command(name = "status", description = {
    "The status of every VM of a directory (or of each -e endpoint).",
    "One registry opens every <vm-id>.agent.sock of DIR (or each -e endpoint, one VM each) and "
        + "prints a table: state, agent version, host name, addresses, memory use, age of the "
        + "last telemetry. Waits up to --timeout (default 5s) for the states to settle. "
        + "Exits 7 when any VM is not CONNECTED (0 when all are, or when DIR has no VM), so "
        + "a script or health check can use it as is."})
final class StatusCommand implements Callable<Integer>, TimeoutHelp {
  /** How long to wait for states to settle without --timeout. */
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);
  /** How long a connected VM may go without telemetry before the table is printed anyway. */
  private static final Duration TELEMETRY_GRACE = Duration.ofSeconds(1);

  @ParentCommand
  Agentctl root;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "directory of VM channel sockets, e.g. /var/run/quantix-kvm/vms")
  Path dir;

  @Override
  public String timeoutHelp() {
    return "how long to wait for every VM's state to settle (default 5s)";
  }

  @Override
  public Integer call() throws Exception {
    Agentctl.Globals g = root.globals();
    Duration wait = g.timeout() != null ? g.timeout() : DEFAULT_WAIT;
    AgentRegistry.Builder builder = Endpoints.registry(wait, g.lockDir());
    List<String> vmIds = new ArrayList<>();
    if (dir != null) {
      if (!g.endpoints().isEmpty()) {
        throw CliError.usage("give --dir or -e endpoints, not both");
      }
      if (!Files.isDirectory(dir)) {
        throw CliError.usage(dir + " is not a directory");
      }
      vmIds.addAll(socketsIn(dir));
      builder.resolver(EndpointResolver.directory(dir));
    } else if (!g.endpoints().isEmpty()) {
      Map<String, List<Endpoint>> byVm = new LinkedHashMap<>();
      for (String text : g.endpoints()) {
        Endpoint e = Endpoints.parse(text);
        String id = Endpoints.vmId(e);
        for (int n = 2; byVm.containsKey(id); n++) {
          id = Endpoints.vmId(e) + "#" + n;
        }
        byVm.put(id, List.of(e));
      }
      vmIds.addAll(byVm.keySet());
      builder.resolver(EndpointResolver.explicit(byVm));
    } else {
      throw CliError.usage("give --dir DIR (e.g. /var/run/quantix-kvm/vms) or -e URI...");
    }
    PrintWriter out = root.console().out();
    if (vmIds.isEmpty()) {
      if (!root.json) {
        out.println("no VM channels (*" + Endpoints.SOCKET_SUFFIX + ") in " + dir);
        out.flush();
      }
      return ExitCodes.OK;
    }
    try (AgentRegistry registry = builder.build()) {
      Collection<AgentStatus> statuses = settle(registry, vmIds, wait);
      if (root.json) {
        for (AgentStatus s : statuses) {
          out.println(Json.line(s.vmId(), s.endpoint(), Views.statusJson(s)));
        }
        out.flush();
      } else {
        Views.statusTable(statuses).print(out);
      }
      out.flush();
      return statuses.stream().allMatch(AgentStatus::isConnected) ? ExitCodes.OK
          : ExitCodes.NOT_ALL_CONNECTED;
    }
  }

  /** The VM ids of a directory: every {@code <id>.agent.sock}, sorted. */
  static List<String> socketsIn(Path dir) throws IOException {
    TreeSet<String> ids = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(p -> {
        String name = p.getFileName().toString();
        if (name.endsWith(Endpoints.SOCKET_SUFFIX)
            && name.length() > Endpoints.SOCKET_SUFFIX.length()) {
          ids.add(name.substring(0, name.length() - Endpoints.SOCKET_SUFFIX.length()));
        }
      });
    }
    return new ArrayList<>(ids);
  }

  /**
   * Opens every VM and waits until each has settled (connected with its first telemetry, or a
   * classified failure) or {@code wait} has passed; returns the statuses by VM id.
   */
  static Collection<AgentStatus> settle(AgentRegistry registry, List<String> vmIds, Duration wait)
      throws InterruptedException {
    LinkedBlockingQueue<Boolean> pokes = new LinkedBlockingQueue<>();
    List<Subscription> subscriptions = new ArrayList<>();
    subscriptions.add(registry.addStatusListener((before, now) -> pokes.offer(Boolean.TRUE)));
    try {
      for (String id : vmIds) {
        AgentClient c = registry.client(id);
        subscriptions.add(c.onTelemetry(t -> pokes.offer(Boolean.TRUE)));
      }
      long end = System.nanoTime() + wait.toNanos();
      while (!settled(registry.statuses().values())) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          break;
        }
        // Wake on any change; re-check at least every 100 ms for the telemetry grace.
        pokes.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
        pokes.clear();
      }
      return registry.statuses().values();
    } finally {
      subscriptions.forEach(Subscription::close);
    }
  }

  private static boolean settled(Collection<AgentStatus> statuses) {
    java.time.Instant graceStart = java.time.Instant.now().minus(TELEMETRY_GRACE);
    for (AgentStatus s : statuses) {
      if (s.state() == AgentState.CONNECTING || s.state() == AgentState.DISCONNECTED) {
        return false;
      }
      if (s.state() == AgentState.CONNECTED && s.lastTelemetry() == null
          && s.since().isAfter(graceStart)) {
        return false;
      }
    }
    return true;
  }
}
