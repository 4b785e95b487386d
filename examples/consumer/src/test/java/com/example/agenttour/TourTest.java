package com.example.agenttour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.Exec;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.registry.AgentConnection;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import io.quantix.agent.testkit.Fault;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a newcomer's first test looks like: the testkit's extension, a scripted fault. */
@Timeout(60)
class TourTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ofMillis(200)));

  @Test
  void theTourRunsAgainstTheFakeAgent() throws Exception {
    Tour.main(new String[] {agent.endpoint()});
  }

  @Test
  void aDroppedConnectionFailsTheExecAndTheNextCallReconnects(FakeGuestAgent fake) {
    fake.fault(PayloadCase.EXECUTE, Fault.closeBeforeReply());      // the guest vanishes mid-call
    try (AgentConnection vm = AgentConnection.open(agent.endpoint())) {
      CompletionException e = assertThrows(CompletionException.class,
          () -> vm.exec(Exec.shell("echo hi")).join());
      AgentException failure = assertInstanceOf(AgentException.class, e.getCause());
      assertEquals(AgentException.Code.UNAVAILABLE, failure.code());
      assertTrue(failure.mayHaveRun(), "an exec that may have run is not retried");

      fake.clearFaults();
      assertFalse(vm.ping().join().agentVersion().isBlank());       // a new session, same client
    }
  }
}
