package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The public types' javadoc examples, copied here so that they compile and run. */
class JavadocExamplesTest {

  @Test
  void fakeGuestAgent() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start();
        AgentRegistry registry = AgentRegistry.builder()
            .resolver(EndpointResolver.explicit(Map.of("vm-1", List.of(Endpoint.parse(agent.endpoint())))))
            .build()) {
      agent.fault(PayloadCase.PING, Fault.delay(Duration.ofMillis(100)));
      registry.client("vm-1").ping().join();
      RecordedRequest ping = agent.takeRequest(Duration.ofSeconds(1));
      assertThat(ping).isNotNull();
    }
  }

  @Test
  void dispatcher() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start()) {
      Dispatcher builtIn = agent.defaultDispatcher();
      agent.dispatcher(request -> request.payloadCase() == PayloadCase.FILE_READ && request.connection() > 1
          ? CompletableFuture.completedFuture(null)        // the second host's reads go unanswered
          : builtIn.dispatch(request));
      try (HostConnection host = HostConnection.open(agent)) {
        host.next();
        assertThat(host.call(HostConnection.ping(1)).getPong().getVersion()).isEqualTo("0.1.27");
      }
    }
  }
}
