package io.quantix.agent.qga.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quantix.agent.qga.QgaExec;
import io.quantix.agent.qga.QgaState;
import io.quantix.agent.qga.fake.FakeQemuGa;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's question over real sockets: both fakes, one of them, none, a dead VM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuestAgentsTest {
  @TempDir Path dir;

  private AgentRegistry registry() {
    return AgentRegistry.builder().resolver(EndpointResolver.directory(dir))
        .readyTimeout(Duration.ofSeconds(2)).reconnectBackoff(Duration.ofMillis(200),
            Duration.ofSeconds(1)).build();
  }

  private GuestAgents agents(AgentRegistry registry) {
    return GuestAgents.builder(registry).qgaResolver(QgaResolvers.directory(dir)).build();
  }

  @Test
  void quantixAgentConnected() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder()
            .socketPath(dir.resolve("vm1.agent.sock")).build().start();
         FakeQemuGa qga = FakeQemuGa.start(dir.resolve("vm1.qga.sock"));
         AgentRegistry registry = registry(); GuestAgents agents = agents(registry)) {
      agents.watch("vm1");
      await().until(() -> agents.status("vm1").presence() == AgentPresence.QUANTIX_CONNECTED);
      await().until(() -> agents.status("vm1").qga().state() == QgaState.READY);
    }
  }

  @Test
  void qgaOnlyWhenTheQuantixAgentIsMissing() throws Exception {
    try (FakeQemuGa qga = FakeQemuGa.start(dir.resolve("vm2.qga.sock"));
         AgentRegistry registry = registry(); GuestAgents agents = agents(registry)) {
      agents.watch("vm2");
      await().until(() -> agents.status("vm2").presence() == AgentPresence.QGA_ONLY);
      assertThat(agents.status("vm2").qga().guestInfo()).isPresent();
      assertThat(agents.qga("vm2").exec(QgaExec.of("/bin/echo", "via qga")).join()
          .stdoutText()).isEqualTo("via qga\n");
      assertThat(agents.statuses()).containsKey("vm2");
    }
  }

  @Test
  void noAgentAtAll() throws Exception {
    try (AgentRegistry registry = registry(); GuestAgents agents = agents(registry)) {
      agents.watch("vm3");
      await().until(() -> agents.status("vm3").presence() == AgentPresence.NO_AGENT);
      assertThat(agents.status("vm3").qga().state()).isEqualTo(QgaState.NO_CHANNEL);
    }
  }

  @Test
  void vmNotRunningWhenTheChannelsRefuse() throws Exception {
    for (String name : List.of("vm4.agent.sock", "vm4.qga.sock")) {
      ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      s.bind(UnixDomainSocketAddress.of(dir.resolve(name)));
      s.close(); // the file stays, nobody listens: QEMU is gone
    }
    try (AgentRegistry registry = registry(); GuestAgents agents = agents(registry)) {
      agents.watch("vm4");
      await().until(() -> agents.status("vm4").presence() == AgentPresence.VM_NOT_RUNNING);
    }
  }

  @Test
  void unwatchedVmIsClosedAndClosingTheViewKeepsTheSession() throws Exception {
    try (FakeQemuGa qga = FakeQemuGa.start(dir.resolve("vm5.qga.sock"));
         AgentRegistry registry = registry(); GuestAgents agents = agents(registry)) {
      assertThat(agents.status("vm5").presence()).isEqualTo(AgentPresence.CLOSED);
      agents.qga("vm5").ping().join();
      agents.qga("vm5").close();
      agents.qga("vm5").ping().join();
      assertThat(qga.connections()).isEqualTo(1);
    }
  }

  @Test
  void libvirtResolverFindsTheGuestAgentPort() throws Exception {
    Path domain = Files.createDirectories(dir.resolve("domain-7-vm6"));
    Files.createDirectories(dir.resolve("domain-3-vm60"));
    try (FakeQemuGa qga = FakeQemuGa.start(domain.resolve(QgaResolvers.QGA_PORT_NAME))) {
      assertThat(QgaResolvers.libvirt(List.of(dir)).resolve("vm6"))
          .containsExactly(Endpoint.unix(qga.socket()));
      assertThat(QgaResolvers.libvirt(List.of(dir)).resolve("vm7")).isEmpty();
    }
  }
}
