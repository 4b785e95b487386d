package io.quantix.agent.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.micrometer.AgentObservability;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** One context per condition of the auto-configuration. */
@Timeout(120)
class QuantixAgentAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(QuantixAgentAutoConfiguration.class,
          QuantixAgentMetricsAutoConfiguration.class, QuantixAgentHealthAutoConfiguration.class));

  @TempDir Path dir;

  @Test
  void aRegistryFromDefaultsClosedWithTheContext() {
    AgentRegistry[] seen = new AgentRegistry[1];
    runner.run(context -> {
      assertThat(context).hasSingleBean(AgentRegistry.class)
          .doesNotHaveBean(AgentObservability.class)
          .hasBean("quantixAgentHealthIndicator");
      seen[0] = context.getBean(AgentRegistry.class);
      assertThat(seen[0].status("vm-1").detail()).isEqualTo("not registered with this registry");
    });
    assertThat(seen[0].status("vm-1").detail()).isEqualTo("registry closed");
  }

  @Test
  void propertiesAreBound() {
    runner.withPropertyValues("quantix.agent.socket-dir=" + dir, "quantix.agent.lock-dir=" + dir,
        "quantix.agent.connect-timeout=3s", "quantix.agent.ready-timeout=4s",
        "quantix.agent.call-timeout=7s", "quantix.agent.event-loop-threads=1",
        "quantix.agent.reconnect-min=100ms", "quantix.agent.reconnect-max=2s",
        "quantix.agent.health.max-listed=5").run(context -> {
          QuantixAgentProperties p = context.getBean(QuantixAgentProperties.class);
          assertThat(p.getSocketDir()).isEqualTo(dir);
          assertThat(p.getLockDir()).isEqualTo(dir);
          assertThat(p.getConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
          assertThat(p.getReadyTimeout()).isEqualTo(Duration.ofSeconds(4));
          assertThat(p.getCallTimeout()).isEqualTo(Duration.ofSeconds(7));
          assertThat(p.getEventLoopThreads()).isEqualTo(1);
          assertThat(p.getReconnectMin()).isEqualTo(Duration.ofMillis(100));
          assertThat(p.getHealth().getMaxListed()).isEqualTo(5);
          // socket-dir alone selects the directory resolver
          assertThat(context.getBean(AgentRegistry.class).status("vm-9").state())
              .isEqualTo(AgentState.CLOSED);
          context.getBean(AgentRegistry.class).client("vm-9");
          await().atMost(Duration.ofSeconds(30)).until(() -> context.getBean(AgentRegistry.class)
              .status("vm-9").state() == AgentState.NO_CHANNEL);
          assertThat(context.getBean(AgentRegistry.class).status("vm-9").channelPath())
              .contains(dir.resolve("vm-9.agent.sock"));
        });
  }

  @Test
  void discoversTheSocketDirectoryAndReportsHealth() {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().socketPath(dir.resolve("vm-1.agent.sock"))
        .start()) {
      runner.withPropertyValues("quantix.agent.socket-dir=" + dir, "quantix.agent.discover=true")
          .run(context -> {
            AgentRegistry registry = context.getBean(AgentRegistry.class);
            assertThat(registry.vmIds()).containsExactly("vm-1");
            HealthIndicator indicator = context.getBean("quantixAgentHealthIndicator",
                HealthIndicator.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.status("vm-1").isConnected());
            assertThat(agent.openConnections()).isEqualTo(1);
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("total", 1).containsEntry("connected", 1)
                .containsEntry("states", Map.of("CONNECTED", 1));
          });
    }
  }

  @Test
  void healthIsDownBelowTheConnectedRatio() {
    runner.withPropertyValues("quantix.agent.socket-dir=" + dir,
        "quantix.agent.health.min-connected-ratio=0.5").run(context -> {
          AgentRegistry registry = context.getBean(AgentRegistry.class);
          registry.client("vm-missing");
          await().atMost(Duration.ofSeconds(30))
              .until(() -> registry.status("vm-missing").state() == AgentState.NO_CHANNEL);
          Health health = context.getBean("quantixAgentHealthIndicator", HealthIndicator.class)
              .health();
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails()).containsEntry("causes", Map.of("NO_CHANNEL", 1));
          assertThat(health.getDetails().get("notConnected"))
              .asInstanceOf(InstanceOfAssertFactories.MAP).containsOnlyKeys("vm-missing");
        });
  }

  @Test
  void meterRegistryBeanTurnsOnTheMicrometerBinding() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(context).hasSingleBean(AgentObservability.class);
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      assertThat(meters.find("quantix.agent.calls.in.flight").gauge()).isNotNull();
      // bound to the registry: the sessions-by-state gauges exist
      assertThat(meters.find("quantix.agent.sessions").gauges()).hasSize(AgentState.values().length);
    });
  }

  @Test
  void observationRegistryAloneTurnsOnTheBindingForTraces() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    runner.withBean(ObservationRegistry.class, () -> observations).run(context -> {
      assertThat(context).hasSingleBean(AgentObservability.class);
      assertThat(context.getBean(AgentObservability.class).observationRegistry())
          .isSameAs(observations);
    });
  }

  @Test
  void metricsCanBeSwitchedOff() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("quantix.agent.metrics.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(AgentObservability.class)
            .hasSingleBean(AgentRegistry.class));
  }

  @Test
  void noMicrometerModuleNoBinding() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withClassLoader(new FilteredClassLoader(AgentObservability.class))
        .run(context -> assertThat(context).doesNotHaveBean(AgentObservability.class)
            .hasSingleBean(AgentRegistry.class));
  }

  @Test
  void applicationMetricsWinOverTheBinding() {
    AgentMetrics mine = new AgentMetrics() { };
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(AgentMetrics.class, () -> mine)
        .run(context -> assertThat(context).doesNotHaveBean(AgentObservability.class)
            .hasSingleBean(AgentRegistry.class));
  }

  @Test
  void noActuatorNoHealthIndicator() {
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(context -> assertThat(context).doesNotHaveBean("quantixAgentHealthIndicator")
            .hasSingleBean(AgentRegistry.class));
  }

  @Test
  void healthCanBeSwitchedOff() {
    runner.withPropertyValues("quantix.agent.health.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("quantixAgentHealthIndicator"));
  }

  @Test
  void anApplicationRegistryWins() {
    runner.withBean("myAgents", AgentRegistry.class, () -> AgentRegistry.builder().build(),
        b -> b.setDestroyMethodName("close"))
        .run(context -> assertThat(context).hasSingleBean(AgentRegistry.class)
            .hasBean("myAgents").doesNotHaveBean("agentRegistry"));
  }

  @Test
  void anApplicationResolverWins() {
    EndpointResolver none = vmId -> List.of();
    runner.withBean(EndpointResolver.class, () -> none).run(context -> {
      AgentRegistry registry = context.getBean(AgentRegistry.class);
      registry.client("vm-x");
      await().atMost(Duration.ofSeconds(30))
          .until(() -> registry.status("vm-x").state() == AgentState.NO_CHANNEL);
      assertThat(registry.status("vm-x").detail()).contains("resolver found no agent channel");
    });
  }

  @Test
  void contradictoryPropertiesFailFastWithAClearMessage() {
    runner.withPropertyValues("quantix.agent.resolver=DIRECTORY").run(context ->
        assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("quantix.agent.resolver=DIRECTORY needs quantix.agent.socket-dir"));
    runner.withPropertyValues("quantix.agent.discover=true").run(context ->
        assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("quantix.agent.discover=true needs quantix.agent.socket-dir"));
  }

  @Test
  void configurationMetadataIsGenerated() throws Exception {
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(json).contains("\"quantix.agent.socket-dir\"", "\"quantix.agent.lock-dir\"",
          "\"quantix.agent.event-loop-threads\"", "\"quantix.agent.metrics.vm-id-tag\"",
          "\"quantix.agent.health.min-connected-ratio\"",
          "Directory holding one <vm-id>.agent.sock per VM");
    }
    assertThat(Files.exists(dir)).isTrue();
  }
}
