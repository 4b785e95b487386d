package io.quantix.agent.it;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.FakeGuestAgentBuilder;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;

/** A fake agent on a temp socket and a registry pointed at it, for one test. */
public final class Harness implements AutoCloseable {
  public static final String VM = "vm-it";

  public final FakeGuestAgent agent;
  public final AgentRegistry registry;
  public final AgentClient client;

  public Harness(UnaryOperator<FakeGuestAgentBuilder> agentSettings,
      UnaryOperator<AgentRegistry.Builder> registrySettings) {
    agent = agentSettings.apply(FakeGuestAgent.builder().telemetryInterval(Duration.ofMillis(200)))
        .start();
    registry = registrySettings.apply(AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(
            Map.of(VM, List.of(Endpoint.parse(agent.endpoint())))))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .readyTimeout(Duration.ofSeconds(2))
        .resetGrace(Duration.ofMillis(300)))
        .build();
    client = registry.client(VM);
  }

  public Harness() {
    this(b -> b, b -> b);
  }

  /** Waits until the VM's session is ready. */
  public Harness awaitConnected() {
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> registry.status(VM).state() == AgentState.CONNECTED);
    return this;
  }

  @Override
  public void close() {
    registry.close();
    agent.close();
  }
}
