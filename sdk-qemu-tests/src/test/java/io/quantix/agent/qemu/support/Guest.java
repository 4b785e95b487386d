package io.quantix.agent.qemu.support;

import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A booted guest and the testkit's fake agent behind its relay port: the SDK connects to
 * {@link #agentSocket()}, its bytes cross the guest to the fake agent and back. QEMU can be killed
 * and started again on the same sockets ({@link #restartQemu()}); the fake agent stays.
 */
public final class Guest implements AutoCloseable {
  /** The VM id registries use for this guest. */
  public static final String VM_ID = "vm-qemu";
  /** Time allowed for QEMU to start and the guest to boot under TCG on a loaded machine. */
  public static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);

  private final GuestImage image;
  private final Path dir;
  private final FakeGuestAgent agent;
  private volatile QemuVm vm;
  private final Duration bootTime;
  private final boolean relayAtBoot;

  private Guest(GuestImage image, Path dir, FakeGuestAgent agent, boolean relayAtBoot)
      throws IOException {
    this.image = image;
    this.dir = dir;
    this.agent = agent;
    this.relayAtBoot = relayAtBoot;
    try {
      this.vm = QemuVm.start(image, dir, agent.socketPath(), relayAtBoot);
      this.bootTime = vm.awaitBoot(relayAtBoot ? QemuVm.RELAY_UP : QemuVm.GUEST_UP,
          BOOT_TIMEOUT);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  static Guest boot(GuestImage image, Path dir, boolean relayAtBoot) throws IOException {
    FakeGuestAgent agent = FakeGuestAgent.builder().socketPath(dir.resolve("fake.sock")).start();
    return new Guest(image, dir, agent, relayAtBoot);
  }

  /** The running QEMU. */
  public QemuVm vm() {
    return vm;
  }

  /** The fake agent the guest relays to. */
  public FakeGuestAgent agent() {
    return agent;
  }

  /** From QEMU's start to the guest's relay running (or booted, without a relay at boot). */
  public Duration bootTime() {
    return bootTime;
  }

  /** Whether qemu-ga runs in the guest on {@code org.qemu.guest_agent.0}. */
  public boolean hasQemuGa() {
    return image.withQemuGa();
  }

  /** The guest kernel's release ({@code uname -r} inside the guest). */
  public String kernelVersion() {
    return image.kernel().version();
  }

  /** The chardev socket of {@code org.quantix.agent.0}: what the SDK connects to. */
  public Path agentSocket() {
    return vm.agentSocket();
  }

  /** The agent endpoint of this guest. */
  public Endpoint endpoint() {
    return Endpoint.parse("unix:" + vm.agentSocket());
  }

  /**
   * A registry builder for {@link #VM_ID} on this guest, with short reconnect delays for tests;
   * the caller may change anything and must close what it builds.
   */
  public AgentRegistry.Builder registry() {
    return registryFor(endpoint());
  }

  /** As {@link #registry()}, for another endpoint (e.g. the silent port). */
  public static AgentRegistry.Builder registryFor(Endpoint endpoint) {
    return AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of(VM_ID, List.of(endpoint))))
        .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  /** Kills QEMU (SIGKILL) and returns at once when it is gone. */
  public void killQemu() {
    vm.kill();
  }

  /** Starts a new QEMU on the same sockets and waits for its guest; returns its boot time. */
  public Duration restartQemu() throws IOException {
    vm.kill();
    vm = QemuVm.start(image, dir, agent.socketPath(), relayAtBoot);
    return vm.awaitBoot(relayAtBoot ? QemuVm.RELAY_UP : QemuVm.GUEST_UP, BOOT_TIMEOUT);
  }

  @Override
  public void close() {
    try {
      QemuVm current = vm;
      if (current != null) {
        current.close();
      }
    } finally {
      agent.close();
    }
  }
}
