package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code agentctl hw}, {@code sw}, {@code ps} and {@code kill} against the fake guest's inventory. */
class AgentctlInventoryTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @Test
  void hwPrintsCpuMemoryDisksAndNics() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "hw"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("cpu       QEMU Virtual CPU", "memory    ", "/dev/vda",
        "QEMU HARDDISK", "/dev/vda1 on /", "eth0", "virtio_net", "SeaBIOS");

    AgentctlRunner.Run json = run(on(agent.agent().endpoint(), "--json", "hw"));
    assertThat(json.outLines()).hasSize(1);
    assertThat(json.out()).contains("\"cpu\":{\"model\":\"QEMU Virtual CPU", "\"sizeBytes\":",
        "\"mountPoint\":\"/boot\"", "\"macAddress\":", "\"systemManufacturer\":\"QEMU\"");
  }

  @Test
  void swFiltersByName() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "sw", "--filter", "nginx"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("nginx", "1.18.0-6ubuntu14.4", "deb").doesNotContain("bash ");

    AgentctlRunner.Run json = run(on(agent.agent().endpoint(), "--json", "sw"));
    assertThat(json.outLines().size()).isGreaterThan(5);
    assertThat(json.outLines().get(json.outLines().size() - 1)).contains("\"summary\":true",
        "\"truncated\":false");
  }

  @Test
  void psListsProcessesAndKillSignalsOne() {
    AgentctlRunner.Run ps = run(on(agent.agent().endpoint(), "ps", "--filter", "cron"));
    assertThat(ps.exitCode()).as(ps.toString()).isZero();
    assertThat(ps.out()).contains("PID", "702", "/usr/sbin/cron -f -P").doesNotContain("systemd-journald");

    AgentctlRunner.Run kill = run(on(agent.agent().endpoint(), "kill", "-s", "KILL", "702"));
    assertThat(kill.exitCode()).as(kill.toString()).isZero();
    assertThat(kill.out()).contains("sent KILL to 702");
    assertThat(agent.agent().guest().killedProcesses()).contains(702);
  }

  @Test
  void killOfAMissingProcessIsTheGuestsFailureExit5() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "kill", "99999"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("No such process");
    assertThat(run(on(agent.agent().endpoint(), "kill", "-s", "USR1", "1")).exitCode())
        .as("unknown signal").isEqualTo(2);
  }
}
