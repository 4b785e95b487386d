package io.quantix.agent.testkit;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving each test a started {@link FakeGuestAgent} on a temporary socket, closed
 * after the test, and, on request, an {@link AgentClient} connected to it. A test method parameter
 * of type {@code FakeGuestAgent} receives the agent; one of type {@code AgentClient} receives a
 * client whose session is ready (a private {@link AgentRegistry} with one VM, {@value #VM_ID},
 * resolved to the agent's endpoint; closed after the test). The client needs a transport for
 * {@code unix:} endpoints on the test classpath ({@code quantix-agent-transport-virtio}).
 *
 * <p>The test fails if a host connection is still open when it ends (after the extension's own
 * client is closed, and a short grace period for closes in flight): a client that leaks its
 * connection would hold a real VM's single-client channel forever.
 *
 * <pre>{@code
 * class MyClientTest {
 *   @RegisterExtension
 *   FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));
 *
 *   @Test
 *   void pings(AgentClient client) {
 *     agent.agent().enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.delay(Duration.ofMillis(50))));
 *     assertEquals("0.1.27", client.ping().join().agentVersion());
 *   }
 * }
 * }</pre>
 */
public final class FakeGuestAgentExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  /** How long a test's host connections get to finish closing. */
  public static final Duration DEFAULT_LEAK_GRACE = Duration.ofSeconds(2);
  /** How long the injected client's session gets to become ready. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** The VM id of the injected client. */
  public static final String VM_ID = "fake-vm";

  private final Consumer<FakeGuestAgentBuilder> customizer;
  private Consumer<AgentRegistry.Builder> registryCustomizer = registry -> { };
  private Duration leakGrace = DEFAULT_LEAK_GRACE;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private volatile FakeGuestAgent agent;
  private volatile AgentRegistry registry;
  private volatile AgentClient client;

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

  /** Sets how long the injected client's session gets to become ready. */
  public FakeGuestAgentExtension connectTimeout(Duration timeout) {
    this.connectTimeout = Objects.requireNonNull(timeout);
    return this;
  }

  /** Configures the private registry behind the injected client (its resolver is the extension's). */
  public FakeGuestAgentExtension registry(Consumer<AgentRegistry.Builder> customizer) {
    this.registryCustomizer = Objects.requireNonNull(customizer);
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

  /**
   * The current test's client, connected on first use (the one a parameter receives).
   *
   * @throws IllegalStateException outside a test, or if its session is not ready in time
   */
  public synchronized AgentClient client() {
    FakeGuestAgent current = agent();
    if (client != null) {
      return client;
    }
    AgentRegistry.Builder builder = AgentRegistry.builder();
    registryCustomizer.accept(builder);
    AgentRegistry made = builder.resolver(EndpointResolver.explicit(
        Map.of(VM_ID, List.of(Endpoint.parse(current.endpoint()))))).build();
    registry = made;
    CountDownLatch ready = new CountDownLatch(1);
    made.addStatusListener((previous, now) -> {
      if (now.state() == AgentState.CONNECTED) {
        ready.countDown();
      }
    });
    AgentClient connecting = made.client(VM_ID);
    try {
      if (made.status(VM_ID).state() != AgentState.CONNECTED
          && !ready.await(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        AgentStatus status = made.status(VM_ID);
        throw new IllegalStateException("the client's session to " + current.endpoint() + " was not ready within "
            + connectTimeout.toMillis() + " ms: " + status.state() + " " + status.detail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the client connected", e);
    }
    client = connecting;
    return connecting;
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
    AgentRegistry ownRegistry;
    synchronized (this) {
      ownRegistry = registry;
      registry = null;
      client = null;
    }
    if (ownRegistry != null) {
      ownRegistry.close();
    }
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
    Class<?> type = parameter.getParameter().getType();
    return type == FakeGuestAgent.class || type == AgentClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() == FakeGuestAgent.class) {
      return agent();
    }
    try {
      return client();
    } catch (IllegalStateException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }
}
