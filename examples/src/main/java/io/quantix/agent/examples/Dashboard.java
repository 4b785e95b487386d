package io.quantix.agent.examples;

import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgentFleet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A dashboard over every VM of a host: one registry keeps a session to each VM's agent, and the
 * table is redrawn from cached state only (no socket is touched to draw it). VMs that appear in
 * or vanish from the directory are added and removed as the dashboard runs.
 *
 * <pre>
 * java -cp examples/target/agentctl.jar io.quantix.agent.examples.Dashboard [DIR] [--refresh 2s] [--for 1m]
 * java -cp examples/target/agentctl.jar io.quantix.agent.examples.Dashboard /var/run/quantix-kvm/vms
 * </pre>
 *
 * Without DIR it starts a fleet of fake agents (the testkit's) in a temporary directory, plus a
 * channel socket nobody serves, so it runs anywhere. Without {@code --for} it runs until Ctrl-C.
 */
public final class Dashboard {
  private static final String SUFFIX = ".agent.sock";

  private Dashboard() {}

  public static void main(String[] args) throws Exception {
    run(args, System.out);
  }

  static void run(String[] args, PrintStream out) throws Exception {
    ExampleArgs a = ExampleArgs.parse(args);
    Duration refresh = a.duration("refresh", Duration.ofSeconds(2));
    Duration runFor = a.duration("for", null);

    // Only so that the example runs without VMs: five fake agents, and one VM "switched off".
    Path tempDir = a.positional(0) == null ? Files.createTempDirectory("dashboard-") : null;
    FakeGuestAgentFleet fleet = tempDir == null ? null : FakeGuestAgentFleet.builder()
        .directory(tempDir).vmCount(5)
        .agents(agent -> agent.telemetryInterval(Duration.ofSeconds(1))).start();
    if (tempDir != null) {
      Files.createFile(tempDir.resolve("vm-stopped" + SUFFIX));   // a socket file nobody serves
    }
    Path dir = tempDir != null ? tempDir : Path.of(a.positional(0));

    // One registry for the whole host: VM id -> <dir>/<vm id>.agent.sock.
    try (AgentRegistry agents = AgentRegistry.builder()
        .resolver(EndpointResolver.directory(dir))
        .build()) {
      long end = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
      do {
        track(agents, dir);
        draw(agents.statuses().values(), out);   // cached state: no I/O
        Thread.sleep(Math.max(1, Math.min(refresh.toMillis(),
            (end - System.nanoTime()) / 1_000_000)));
      } while (System.nanoTime() < end);
      draw(agents.statuses().values(), out);
    } finally {
      if (fleet != null) {
        fleet.close();
      }
      if (tempDir != null) {
        deleteTree(tempDir);
      }
    }
  }

  /** Opens a session for every new channel socket and drops VMs whose socket is gone. */
  private static void track(AgentRegistry agents, Path dir) throws IOException {
    Set<String> present = new HashSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.collect(Collectors.toList())) {
        String name = p.getFileName().toString();
        if (name.endsWith(SUFFIX) && name.length() > SUFFIX.length()) {
          present.add(name.substring(0, name.length() - SUFFIX.length()));
        }
      }
    }
    for (String vm : present) {
      agents.client(vm);   // the first call opens the VM's session; later ones share it
    }
    for (String vm : agents.vmIds()) {
      if (!present.contains(vm)) {
        agents.remove(vm);   // closes the session and stops its reconnect loop
      }
    }
  }

  private static void draw(java.util.Collection<AgentStatus> statuses, PrintStream out) {
    out.printf("%n%s  %d VMs%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS), statuses.size());
    out.printf("%-12s %-15s %-8s %-12s %-18s %6s %5s  %s%n", "VM", "STATE", "AGENT", "HOST",
        "ADDRESS", "MEM", "AGE", "DETAIL");
    List<AgentStatus> sorted = statuses.stream()
        .sorted(Comparator.comparing(AgentStatus::vmId)).collect(Collectors.toList());
    for (AgentStatus s : sorted) {
      AgentInfo info = s.agentInfo().orElse(null);
      Telemetry t = s.telemetry().orElse(null);
      out.printf("%-12s %-15s %-8s %-12s %-18s %6s %5s  %s%n", s.vmId(), s.state(),
          info == null ? "-" : info.version(),
          info == null ? "-" : info.hostname(),
          info == null || info.ipAddresses().isEmpty() ? "-" : info.ipAddresses().get(0),
          t == null ? "-" : t.memoryUsedPercent() + "%",
          t == null ? "-" : t.age().toSeconds() + "s",
          s.isConnected() ? "" : s.detail());
    }
    out.flush();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }
}
