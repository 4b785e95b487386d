package io.quantix.agent.it.ops;

import io.quantix.agent.AgentException;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Helpers shared by the operation tests. */
final class Ops {
  private Ops() {}

  /** The failure of {@code f}, unwrapped; fails the test if it succeeds. */
  static AgentException failure(CompletableFuture<?> f) {
    return AgentException.from(cause(f));
  }

  /** The raw cause of {@code f}'s failure, unwrapped from CompletionException. */
  static Throwable cause(CompletableFuture<?> f) {
    try {
      Object value = f.join();
      throw new AssertionError("expected a failure, got " + value);
    } catch (CompletionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    }
  }

  /** Every request of {@code type} the agent has received so far (draining the queue). */
  static List<AgentMessage> drain(FakeGuestAgent agent, PayloadCase type)
      throws InterruptedException {
    List<AgentMessage> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = agent.takeRequest(Duration.ofMillis(100))) != null) {
      if (r.payloadCase() == type) {
        out.add(r.message());
      }
    }
    return out;
  }
}
