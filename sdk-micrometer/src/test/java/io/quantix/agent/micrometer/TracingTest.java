package io.quantix.agent.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The caller's current observation is the parent of the call's span, over a real socket. */
@Timeout(120)
class TracingTest {
  @TempDir Path dir;

  @Test
  void callSpanIsAChildOfTheCallersSpan() {
    SimpleTracer tracer = new SimpleTracer();
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    AgentObservability observability = AgentObservability.builder(new SimpleMeterRegistry())
        .observationRegistry(observations).build();
    try (FakeGuestAgent agent = FakeGuestAgent.builder().socketPath(dir.resolve("vm-7.agent.sock"))
            .start();
         AgentRegistry registry = AgentRegistry.builder()
             .resolver(EndpointResolver.explicit(Map.of("vm-7", List.of(Endpoint.parse(agent.endpoint())))))
             .metrics(observability).build()) {
      observability.bindTo(registry);
      registry.client("vm-7").ping().join();          // a call outside any trace: a root span

      Observation request = Observation.start("http.server.request", observations);
      try (Observation.Scope scope = request.openScope()) {
        registry.client("vm-7").ping().join();
      } finally {
        request.stop();
      }

      await().atMost(Duration.ofSeconds(30)).until(() -> tracer.getSpans().size() == 3);
      List<SimpleSpan> spans = List.copyOf(tracer.getSpans());
      SimpleSpan parent = spans.stream().filter(s -> s.getName().equals("http.server.request"))
          .findFirst().orElseThrow();
      List<SimpleSpan> calls = spans.stream().filter(s -> s.getName().equals("agent ping")).toList();
      assertThat(calls).hasSize(2);
      SimpleSpan root = calls.get(0);
      SimpleSpan child = calls.get(1);
      assertThat(root.getParentId()).isEmpty();
      assertThat(root.getTraceId()).isNotEqualTo(parent.getTraceId());
      assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
      assertThat(child.getParentId()).isEqualTo(parent.getSpanId());
      assertThat(child.getTags()).containsEntry("vm", "vm-7").containsEntry("operation", "ping")
          .containsEntry("outcome", "OK").containsEntry("transport", "unix");
      assertThat(child.getEndTimestamp()).isNotNull();
    }
  }
}
