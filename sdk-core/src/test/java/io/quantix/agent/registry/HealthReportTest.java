package io.quantix.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.ConnectFailure;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthReportTest {
  private static AgentStatus status(String vm, AgentState state, ConnectFailure failure) {
    return AgentStatus.builder(vm, state).since(Instant.EPOCH).attempt(0).detail(state + " detail")
        .failure(failure).endpoint("").build();
  }

  @Test
  void countsEveryStateAndListsTheVmsNotConnectedWithTheirCauses() {
    HealthReport report = HealthReport.of(List.of(
        status("vm-3", AgentState.NO_CHANNEL, ConnectFailure.NO_CHANNEL),
        status("vm-1", AgentState.CONNECTED, null),
        status("vm-2", AgentState.VM_NOT_RUNNING, ConnectFailure.VM_NOT_RUNNING),
        status("vm-4", AgentState.CONNECTING, null),
        status("vm-5", AgentState.CONNECTED, null)));

    assertThat(report.total()).isEqualTo(5);
    assertThat(report.connected()).isEqualTo(2);
    assertThat(report.countsByState()).hasSize(AgentState.values().length)
        .containsEntry(AgentState.CONNECTED, 2).containsEntry(AgentState.NO_CHANNEL, 1)
        .containsEntry(AgentState.AGENT_SILENT, 0);
    assertThat(report.countsByCause()).containsOnlyKeys(ConnectFailure.NO_CHANNEL,
        ConnectFailure.VM_NOT_RUNNING);
    assertThat(report.notConnected()).extracting(AgentStatus::vmId)
        .containsExactly("vm-2", "vm-3", "vm-4");
    assertThat(report.notConnected().get(0).detail()).isEqualTo("VM_NOT_RUNNING detail");
    assertThat(report.allConnected()).isFalse();
  }

  @Test
  void anEmptyRegistryIsAllConnected() {
    HealthReport report = HealthReport.of(List.of());
    assertThat(report.total()).isZero();
    assertThat(report.allConnected()).isTrue();
    assertThat(report.count(AgentState.CONNECTED)).isZero();
  }

  @Test
  void registryHealthReadsCachedStatusesOfAClosedRegistryWithoutThrowing() {
    AgentRegistry registry = AgentRegistry.builder()
        .resolver(EndpointResolver.directory(java.nio.file.Path.of("/nonexistent-quantix-dir")))
        .build();
    registry.client("vm-1");
    assertThat(registry.health().total()).isEqualTo(1);
    registry.close();
    assertThat(registry.health().total()).isZero();
  }
}
