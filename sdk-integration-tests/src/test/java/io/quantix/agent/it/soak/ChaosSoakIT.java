package io.quantix.agent.it.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The 20 s chaos soak of issue 13 in {@code mvn verify} (seed and length from {@code -Dsoak.seed}
 * and {@code -Dsoak.seconds}; the 60 s run is in benchmarks/README.md). Prints every invariant
 * with its figures and fails on any broken one.
 */
class ChaosSoakIT {

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void everyInvariantHoldsUnderChaosAndAcrossClose() throws Exception {
    long seed = Long.getLong("soak.seed", 20261204L);
    long seconds = Long.getLong("soak.seconds", 20L);
    SoakResult result = new ChaosSoak(seed, Duration.ofSeconds(seconds)).run();
    result.lines().forEach(System.out::println);
    assertThat(result.violations()).as("broken invariants").isEmpty();
  }
}
