package io.quantix.agent.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving each test a started {@link FakeGuestAgent} on a temporary socket, closed
 * after the test. The test fails if a host connection is still open when it ends (after a short
 * grace period for closes in flight): a client that leaks its connection would hold a real VM's
 * single-client channel forever. The agent can also be injected as a test-method parameter.
 *
 * <pre>{@code
 * class MyClientTest {
 *   @RegisterExtension
 *   FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));
 *
 *   @Test
 *   void pings() {
 *     try (AgentRegistry registry = AgentRegistry.builder()
 *         .resolver(EndpointResolver.explicit(Map.of("vm-1", List.of(Endpoint.parse(agent.endpoint())))))
 *         .build()) {
 *       registry.client("vm-1").ping().join();
 *     }
 *   }
 * }
 * }</pre>
 */
public final class FakeGuestAgentExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  /** How long a test's host connections get to finish closing. */
  public static final Duration DEFAULT_LEAK_GRACE = Duration.ofSeconds(2);

  private final Consumer<FakeGuestAgentBuilder> customizer;
  private Duration leakGrace = DEFAULT_LEAK_GRACE;
  private volatile FakeGuestAgent agent;

  /** An extension with the agent's defaults. */
  public FakeGuestAgentExtension() {
    this(builder -> { });
  }

  /** An extension whose agents {@code customizer} configures. */
  public FakeGuestAgentExtension(Consumer<FakeGuestAgentBuilder> customizer) {
    this.customizer = Objects.requireNonNull(customizer);
  }

  /** Sets how long open connections get to close after the test. */
  public FakeGuestAgentExtension leakGrace(Duration grace) {
    this.leakGrace = Objects.requireNonNull(grace);
    return this;
  }

  /** The current test's agent. */
  public FakeGuestAgent agent() {
    FakeGuestAgent current = agent;
    if (current == null) {
      throw new IllegalStateException("no fake agent outside a test");
    }
    return current;
  }

  /** The current agent's endpoint, {@code unix:/...}. */
  public String endpoint() {
    return agent().endpoint();
  }

  /** The current agent's socket path. */
  public Path socketPath() {
    return agent().socketPath();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    FakeGuestAgentBuilder builder = FakeGuestAgent.builder();
    customizer.accept(builder);
    agent = builder.build().start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    FakeGuestAgent current = agent;
    agent = null;
    if (current == null) {
      return;
    }
    int open;
    try {
      current.awaitNoConnections(leakGrace);
      open = current.openConnections();
    } finally {
      current.close();
    }
    if (open > 0) {
      throw new AssertionError(open + " host connection(s) to the fake agent still open at the end of "
          + context.getDisplayName() + " (waited " + leakGrace.toMillis() + " ms): close every client");
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FakeGuestAgent.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return agent();
  }
}
