package io.quantix.agent.examples;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.GuestEvent;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Listening instead of asking: the registry's status transitions, the agent's AgentReady (a new
 * session, or the guest resetting its side), telemetry pushed every 5 s, and guest events.
 * Listeners run on the SDK's event thread, never on an I/O thread; keep them quick.
 *
 * <pre>
 * java -cp examples/target/agentctl.jar io.quantix.agent.examples.EventListener [ENDPOINT] [--for 1m]
 * </pre>
 *
 * Without ENDPOINT it starts a fake agent (the testkit's) and, to have something to show, resets
 * the guest's side and then drops the connection (the registry reconnects by itself). Without
 * {@code --for} it runs until Ctrl-C with an endpoint, and for 5 s with the fake.
 */
public final class EventListener {
  private EventListener() {}

  public static void main(String[] args) throws Exception {
    run(args, System.out);
  }

  static void run(String[] args, PrintStream out) throws Exception {
    ExampleArgs a = ExampleArgs.parse(args);
    // Only so that the example runs without a VM.
    FakeGuestAgent fake = a.positional(0) == null
        ? FakeGuestAgent.builder().telemetryInterval(Duration.ofMillis(500)).start() : null;
    String endpoint = fake != null ? fake.endpoint() : a.positional(0);
    Duration runFor = a.duration("for", fake != null ? Duration.ofSeconds(5) : null);

    AtomicInteger reports = new AtomicInteger();
    CountDownLatch connected = new CountDownLatch(1);
    try (AgentRegistry agents = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm", List.of(Endpoint.parse(endpoint)))))
        .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(5))
        .build()) {
      // Every transition of every VM the registry holds: what a dashboard or an alerting rule wants.
      agents.addStatusListener((before, now) -> {
        out.printf("%s status   %s: %s -> %s  %s%n", now(), now.vmId(), before.state(),
            now.state(), now.detail());
        if (now.state() == AgentState.CONNECTED) {
          connected.countDown();
        }
      });
      AgentClient vm = agents.client("vm");
      // Each listener returns a Subscription; closing it stops the delivery.
      List<Subscription> subscriptions = List.of(
          vm.onAgentReady(info -> out.printf("%s ready    agent %s on %s (%s %s)%n", now(),
              info.version(), info.hostname(), info.osName(), info.osVersion())),
          vm.onTelemetry(t -> out.printf("%s telemetry #%d  cpu %.1f%%  memory %d%%  load %.2f%n",
              now(), reports.incrementAndGet(), t.cpuUsagePercent(), t.memoryUsedPercent(),
              t.report().getLoadAvg1())),
          vm.onGuestEvent(e -> {
            if (e instanceof GuestEvent.Error err) {
              out.printf("%s guest    %s %s%n", now(), err.severity(), err.message());
            } else {
              out.printf("%s guest    %s%n", now(), e);
            }
          }));
      try {
        if (!connected.await(30, TimeUnit.SECONDS)) {
          out.println("not connected after 30 s: " + agents.status("vm").detail());
        }
        if (fake != null) {
          fake.guestReset();        // the guest resets its side: a new AgentReady arrives
          fake.dropConnections();   // as when QEMU restarts: DISCONNECTED, then CONNECTED again
        }
        if (runFor == null) {
          new CountDownLatch(1).await();   // until Ctrl-C
        } else {
          Thread.sleep(runFor.toMillis());
        }
      } finally {
        subscriptions.forEach(Subscription::close);
      }
      out.printf("%d telemetry reports; final state %s%n", reports.get(),
          agents.status("vm").state());
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }

  private static LocalTime now() {
    return LocalTime.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
