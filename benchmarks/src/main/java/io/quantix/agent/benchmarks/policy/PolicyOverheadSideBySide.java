package io.quantix.agent.benchmarks.policy;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.policy.AgentPolicy;
import io.quantix.agent.policy.PolicyGuard;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The ping round trip without a guard, with an allow-all policy and with a 20-rule policy,
 * measured interleaved ping by ping in one JVM so that a busy machine slows all three alike: each
 * round takes the median of {@code perRound} pings per subject; the table gives the median of the
 * round medians and each subject's ratio to the no-guard floor.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar \
 *     io.quantix.agent.benchmarks.policy.PolicyOverheadSideBySide [ROUNDS] [PINGS_PER_ROUND]
 * }</pre>
 */
public final class PolicyOverheadSideBySide {
  private PolicyOverheadSideBySide() {}

  /** Runs the comparison and prints a Markdown table. */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    // A second unguarded subject, made last, shows how far two identical subjects differ here.
    String[] names = {"no guard (floor)", "allow-all policy", "20-rule policy",
        "no guard (control, made last)"};
    List<FakeGuestAgent> agents = new ArrayList<>();
    List<AgentRegistry> registries = new ArrayList<>();
    List<AgentClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < names.length; i++) {
        FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO)
            .localShell(false).start();
        agents.add(agent);
        AgentRegistry.Builder b = AgentRegistry.builder().ioThreads(1).resolver(
            EndpointResolver.explicit(Map.of("vm", List.of(Endpoint.parse(agent.endpoint())))));
        if (i == 1) {
          b.callGuard(PolicyGuard.of(AgentPolicy.ALLOW_ALL));
        } else if (i == 2) {
          b.callGuard(PolicyGuard.of(PolicyOverheadBenchmark.twentyRules()));
        }
        AgentRegistry r = b.build();
        registries.add(r);
        clients.add(r.client("vm"));
      }
      for (AgentClient c : clients) {
        for (int w = 0; w < 5000; w++) {
          c.ping().join();
        }
      }
      // Interleaved ping by ping (the order rotating), so that a load swing on a shared machine
      // hits all three alike; each round's median per subject, then the median of the rounds.
      double[][] medians = new double[names.length][rounds];
      long[][] sample = new long[names.length][perRound];
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < perRound; i++) {
          for (int s = 0; s < names.length; s++) {
            int subject = (s + i) % names.length;
            long t0 = System.nanoTime();
            clients.get(subject).ping().join();
            sample[subject][i] = System.nanoTime() - t0;
          }
        }
        for (int s = 0; s < names.length; s++) {
          Arrays.sort(sample[s]);
          medians[s][round] = sample[s][perRound / 2] / 1000.0;
        }
      }
      double floor = median(medians[0]);
      System.out.printf("| subject | ping p50 (µs, median of %d rounds) | spread (p25..p75 of rounds) "
          + "| ratio to floor |%n|---|---|---|---|%n", rounds);
      for (int s = 0; s < names.length; s++) {
        double[] m = medians[s].clone();
        Arrays.sort(m);
        System.out.printf("| %s | %.1f | %.1f..%.1f | %.3f |%n", names[s], median(medians[s]),
            m[m.length / 4], m[m.length * 3 / 4], median(medians[s]) / floor);
      }
    } finally {
      registries.forEach(AgentRegistry::close);
      agents.forEach(FakeGuestAgent::close);
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
