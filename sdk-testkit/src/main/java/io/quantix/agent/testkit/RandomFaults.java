package io.quantix.agent.testkit;

import io.quantix.agent.proto.AgentMessage.PayloadCase;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Random faults, reproducible from the agent's seed: each request (in arrival order) gets, with
 * probability {@code rate}, one of {@code choices} picked uniformly. The same seed and the same
 * request order give the same faults; {@link RecordedRequest#fault()} shows which one was applied.
 *
 * <pre>{@code
 * FakeGuestAgent agent = FakeGuestAgent.builder().seed(42).build().start();
 * agent.randomFaults(RandomFaults.of(0.1, Fault.noReply(), Fault.delay(Duration.ofMillis(50)))
 *     .onlyFor(PayloadCase.PING, PayloadCase.FILE_READ));
 * }</pre>
 *
 * @param rate probability in [0, 1] that a request gets a fault
 * @param choices the faults to pick from
 * @param payloads the request types affected; empty means all
 */
public record RandomFaults(double rate, List<Fault> choices, Set<PayloadCase> payloads) {

  /** Checks and copies the arguments. */
  public RandomFaults {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate " + rate + " is not in [0, 1]");
    }
    choices = List.copyOf(choices);
    if (choices.isEmpty()) {
      throw new IllegalArgumentException("no faults to choose from");
    }
    payloads = payloads.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(payloads));
  }

  /** Faults for every request type. */
  public static RandomFaults of(double rate, Fault... choices) {
    return new RandomFaults(rate, List.of(choices), Set.of());
  }

  /** The same faults, restricted to the given request types. */
  public RandomFaults onlyFor(PayloadCase... requestTypes) {
    return new RandomFaults(rate, choices, Set.of(requestTypes));
  }
}
