package io.quantix.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.client.internal.ConnectGate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's bound on connect attempts under way at once. */
class ConnectGateTest {

  @Test
  void attemptsBeyondThePermitsWaitInOrderAndGetThePermitOnRelease() {
    ConnectGate gate = new ConnectGate(2);
    List<Integer> started = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      gate.acquire(() -> started.add(n));
    }
    assertThat(started).containsExactly(0, 1);
    assertThat(gate.inUse()).isEqualTo(2);
    assertThat(gate.waiting()).isEqualTo(3);

    gate.release();
    assertThat(started).containsExactly(0, 1, 2);
    assertThat(gate.inUse()).isEqualTo(2);
    gate.release();
    gate.release();
    assertThat(started).containsExactly(0, 1, 2, 3, 4);
    assertThat(gate.waiting()).isZero();
    gate.release();
    gate.release();
    assertThat(gate.inUse()).isZero();
    gate.acquire(() -> started.add(5));
    assertThat(started).endsWith(5);
  }

  @Test
  void needsAPermit() {
    assertThatThrownBy(() -> new ConnectGate(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AgentRegistry.builder().maxConcurrentConnects(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
