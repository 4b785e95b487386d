package io.quantix.agent.it.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.it.Closer;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.FakeGuestAgentFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Finding channels: libvirt's directories matched exactly, the fallback chain, discovery. */
class ChannelDiscoveryIT {
  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  private FakeGuestAgent agentAt(Path socket, String hostname) {
    return closer.add(FakeGuestAgent.builder().socketPath(socket).hostname(hostname)
        .telemetryInterval(Duration.ZERO).start());
  }

  private static String hostnameOf(AgentRegistry registry, String vm) {
    registry.client(vm);
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status(vm).state() == AgentState.CONNECTED);
    return registry.status(vm).agentInfo().orElseThrow().hostname();
  }

  @Test
  void libvirtChannelsAreMatchedByExactDomainNameAndFoundAgainAfterARestart() throws Exception {
    Path quantix = tmp.resolve("vms");
    Path run = tmp.resolve("run-channel");
    Path target = tmp.resolve("target");
    Files.createDirectories(quantix);
    FakeGuestAgent vm1 = agentAt(run.resolve("domain-3-vm1/org.quantix.agent.0"), "guest-vm1");
    agentAt(run.resolve("domain-4-vm10/org.quantix.agent.0"), "guest-vm10");
    agentAt(target.resolve("7-vm2/org.limiquantix.agent.0"), "guest-vm2-legacy");
    agentAt(quantix.resolve("vm3.agent.sock"), "guest-vm3-quantix");
    agentAt(run.resolve("domain-5-vm3/org.quantix.agent.0"), "guest-vm3-libvirt");
    AgentRegistry registry = closer.add(AgentRegistry.builder()
        .resolver(EndpointResolver.firstExisting(EndpointResolver.directory(quantix),
            EndpointResolver.libvirt(List.of(run, target))))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(300))
        .build());

    assertThat(hostnameOf(registry, "vm1")).isEqualTo("guest-vm1");
    assertThat(hostnameOf(registry, "vm10")).isEqualTo("guest-vm10");
    assertThat(hostnameOf(registry, "vm2")).isEqualTo("guest-vm2-legacy");
    assertThat(hostnameOf(registry, "vm3")).isEqualTo("guest-vm3-quantix");
    registry.client("vm");
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status("vm").state() == AgentState.NO_CHANNEL);
    assertThat(registry.status("vm").channelPath()).contains(quantix.resolve("vm.agent.sock"));

    // vm1 restarts as a new domain: libvirt names its channel directory after the new id.
    vm1.close();
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status("vm1").state() != AgentState.CONNECTED);
    agentAt(run.resolve("domain-8-vm1/org.quantix.agent.0"), "guest-vm1-again");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        registry.status("vm1").state() == AgentState.CONNECTED
            && registry.status("vm1").agentInfo().orElseThrow().hostname()
                .equals("guest-vm1-again"));
    assertThat(registry.status("vm1").endpoint()).contains("domain-8-vm1");
  }

  @Test
  void discoverRegistersEveryChannelOfADirectory() throws Exception {
    FakeGuestAgentFleet fleet = closer.add(FakeGuestAgentFleet.builder()
        .directory(tmp.resolve("fleet")).vmCount(12)
        .agents(a -> a.telemetryInterval(Duration.ZERO)).start());
    Files.writeString(fleet.directory().resolve("not-a-socket.agent.sock"), "x");
    Files.writeString(fleet.directory().resolve("notes.txt"), "x");
    AgentRegistry registry = closer.add(AgentRegistry.builder()
        .resolver(EndpointResolver.directory(tmp.resolve("elsewhere")))
        .build());

    List<String> found = registry.discover(fleet.directory());
    assertThat(found).isEqualTo(fleet.vmIds());
    assertThat(registry.vmIds()).isEqualTo(fleet.vmIds());
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> registry.statuses().values()
        .stream().allMatch(s -> s.state() == AgentState.CONNECTED));
    // Discovering again registers nothing twice.
    assertThat(registry.discover(fleet.directory())).isEqualTo(fleet.vmIds());
    for (String vm : fleet.vmIds()) {
      assertThat(fleet.agent(vm).counters().connectionsAccepted()).as(vm).isEqualTo(1);
    }
  }
}
