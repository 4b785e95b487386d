package io.quantix.agent.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quantix.agent.client.Pong;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.testkit.FakeGuestAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A whole Boot application with the starter, against the fake agent over a real socket. */
@SpringBootTest(classes = AgentStarterSpringBootTest.App.class,
    properties = "spring.main.banner-mode=off")
@Timeout(120)
class AgentStarterSpringBootTest {
  private static Path dir;
  private static FakeGuestAgent agent;

  @DynamicPropertySource
  static void agentDirectory(DynamicPropertyRegistry properties) throws IOException {
    dir = Files.createTempDirectory("quantix-starter");
    agent = FakeGuestAgent.builder().socketPath(dir.resolve("vm-boot.agent.sock")).start();
    properties.add("quantix.agent.socket-dir", dir::toString);
    properties.add("quantix.agent.discover", () -> "true");
    properties.add("quantix.agent.event-loop-threads", () -> "1");
  }

  @AfterAll
  static void stopAgent() throws IOException {
    if (agent != null) {
      agent.close();
    }
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Autowired AgentRegistry agents;
  @Autowired MeterRegistry meters;
  @Autowired @Qualifier("quantixAgentHealthIndicator") HealthIndicator health;

  @Test
  void pingsTheAgentAndReportsMetricsAndHealth() {
    assertThat(agents.vmIds()).containsExactly("vm-boot");
    Pong pong = agents.client("vm-boot").ping().join();
    assertThat(pong).isNotNull();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(meters.get("quantix.agent.call").tag("operation", "ping").tag("outcome", "OK")
          .tag("transport", "unix").timer().count()).isEqualTo(1);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsEntry("connected", 1);
    });
  }
}
