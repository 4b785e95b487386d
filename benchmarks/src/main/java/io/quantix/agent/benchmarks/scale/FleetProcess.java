package io.quantix.agent.benchmarks.scale;

import io.quantix.agent.testkit.FakeGuestAgentFleet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated-VM process of the scale benchmark: a {@link FakeGuestAgentFleet} serving
 * {@code count} sockets named {@code vm-<n>.agent.sock} in a shared directory, telemetry on, until
 * its standard input ends (the benchmark closes it, or dies). Prints {@code READY <count>} once
 * every socket listens.
 *
 * <pre>
 * java -cp ... io.quantix.agent.benchmarks.scale.FleetProcess DIR FIRST COUNT TELEMETRY_MS
 * </pre>
 */
public final class FleetProcess {
  private FleetProcess() {}

  /** The VM id of simulated VM {@code n} (from 1). */
  static String vmId(int n) {
    return String.format("vm-%05d", n);
  }

  /**
   * Runs the fleet.
   *
   * @param args directory, first VM number, VM count, telemetry interval in milliseconds
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: FleetProcess DIR FIRST COUNT TELEMETRY_MS");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int first = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    Duration telemetry = Duration.ofMillis(Long.parseLong(args[3]));
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(vmId(first + i));
    }
    try (FakeGuestAgentFleet fleet = FakeGuestAgentFleet.builder()
        .directory(dir).vmIds(ids).eventLoopThreads(1).workerThreads(2)
        .agents(agent -> agent.telemetryInterval(telemetry).localShell(false))
        .start()) {
      System.out.println("READY " + fleet.size());
      System.out.flush();
      InputStream in = System.in;
      byte[] buffer = new byte[64];
      while (in.read(buffer) >= 0) {
        // Nothing to do: the fleet runs until the benchmark closes our input.
      }
      System.out.println("STOP accepted=" + fleet.counters().connectionsAccepted()
          + " framesSent=" + fleet.counters().framesSent());
    }
  }
}
