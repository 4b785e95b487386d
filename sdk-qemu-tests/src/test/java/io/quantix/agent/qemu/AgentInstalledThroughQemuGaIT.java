package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.qemu.support.Figures;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaExec;
import io.quantix.agent.qga.install.AgentBinary;
import io.quantix.agent.qga.install.AgentInstaller;
import io.quantix.agent.qga.install.InstallProgress;
import io.quantix.agent.qga.install.InstallResult;
import io.quantix.agent.qga.install.InstallSpec;
import io.quantix.agent.qga.install.InstallStep;
import io.quantix.agent.qga.install.ServiceManager;
import io.quantix.agent.qga.registry.GuestAgents;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgentBuilder;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * sdk-qemu-ga's AgentInstaller end to end inside a real guest that boots with qemu-ga but no
 * agent: preflight (osinfo, fsinfo, init system) through qemu-ga, the binary pushed and its
 * sha256 verified in the guest, installed with mode 0755, started, and readiness seen only through
 * the registry on the Quantix channel.
 *
 * <p>"The agent" is the static busybox: the testkit's fake agent cannot run in the guest, and the
 * guest's relay to the fake agent on the host is a shell script. The service manager (the guest
 * has no systemd or OpenRC) runs the <em>installed</em> binary as the shell that runs
 * {@code /bin/qt-relay}, detached, through guest-exec; so the registry becomes ready only once the
 * pushed binary runs in the guest. A dynamic ELF (this machine's {@code /bin/ls}) is refused at
 * preflight before any byte moves.
 */
@ExtendWith(QemuTier.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentInstalledThroughQemuGaIT {
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  /**
   * Starts the installed binary detached: a symlink named {@code sh} makes the multi-call binary
   * run its shell on the relay script, which backgrounds itself and returns (its descriptors
   * closed, so guest-exec sees the command exit).
   */
  private static final ServiceManager RELAY_UNDER_INSTALLED_BINARY = ServiceManager.command(
      "d=/run/quantix-agent; mkdir -p $d && ln -sf \"$1\" $d/sh && $d/sh /bin/qt-relay");

  private static Guest guest;
  private static AgentRegistry registry;
  private static GuestAgents agents;

  @BeforeAll
  static void boot() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(BUSYBOX) && AgentBinary.inspect(BUSYBOX)
        .isStatic(), "no static /bin/busybox (install busybox-static)");
    guest = QemuTier.bootPrivateGuestWithoutAgent("installer");
    Assumptions.assumeTrue(guest.hasQemuGa(), "qemu-ga is not installed on this machine"
        + " (install qemu-guest-agent), so the guest has none");
    registry = guest.registry().readyTimeout(Duration.ofSeconds(2)).build();
    agents = GuestAgents.builder(registry).qgaResolver(EndpointResolver.explicit(Map.of(
        Guest.VM_ID, List.of(Endpoint.unix(guest.vm().qgaSocket()))))).build();
  }

  @AfterAll
  static void shutDown() {
    if (agents != null) {
      agents.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (guest != null) {
      guest.close();
    }
  }

  private static InstallSpec spec(Path binary) {
    return InstallSpec.of(binary).withService(RELAY_UNDER_INSTALLED_BINARY)
        .withExpectedVersion(FakeGuestAgentBuilder.DEFAULT_VERSION)
        .withReadyTimeout(Duration.ofSeconds(60));
  }

  private static String guestShell(String script) {
    QgaClient qga = agents.qga(Guest.VM_ID);
    var r = qga.withTimeout(Duration.ofSeconds(60)).exec(QgaExec.shell(script)).join();
    assertThat(r.exitCode()).as("%s: %s", script, r.stderrText()).hasValue(0);
    return r.stdoutText().trim();
  }

  @Test
  @Order(1)
  void aDynamicBinaryIsRefusedAtPreflightBeforeAnyByteMoves() {
    registry.client(Guest.VM_ID);
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> registry.status(Guest.VM_ID).state() == AgentState.AGENT_SILENT);
    CompletableFuture<InstallResult> refused = new AgentInstaller(agents).install(Guest.VM_ID,
        spec(Path.of("/bin/ls")), InstallProgress.NONE);
    AgentException e;
    try {
      refused.join();
      throw new AssertionError("a dynamic binary was installed");
    } catch (CompletionException c) {
      e = AgentException.from(c);
    }
    assertThat(e.code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("step CHECKED").contains("PT_INTERP");
    // checked in the guest: no staging directory, no binary, nothing started
    assertThat(guestShell("for p in /var/lib/quantix-agent-install /usr/local/bin/quantix-agent"
        + " /run/quantix-agent; do [ -e $p ] && echo $p; done; true")).isEmpty();
    assertThat(registry.status(Guest.VM_ID).state()).isNotEqualTo(AgentState.CONNECTED);
  }

  @Test
  @Order(2)
  void theInstallerPushesVerifiesStartsAndSeesTheAgentReadyThroughTheRegistry() throws Exception {
    List<String> lines = new ArrayList<>();
    long start = System.nanoTime();
    InstallResult r = new AgentInstaller(agents).install(Guest.VM_ID, spec(BUSYBOX),
        (step, detail) -> lines.add(step + " " + detail)).join();
    long total = System.nanoTime() - start;
    assertThat(r.unchanged()).isFalse();
    assertThat(r.version()).isEqualTo(FakeGuestAgentBuilder.DEFAULT_VERSION);
    assertThat(r.timings()).containsOnlyKeys(InstallStep.values());
    assertThat(registry.status(Guest.VM_ID).state()).isEqualTo(AgentState.CONNECTED);
    assertThat(registry.client(Guest.VM_ID).withTimeout(Duration.ofSeconds(10)).ping().join()
        .agentVersion()).isEqualTo(FakeGuestAgentBuilder.DEFAULT_VERSION);

    // checked in the guest: the installed file, its mode and sha256, the staging dir emptied,
    // and the relay running under the installed binary
    String sha = sha256(BUSYBOX);
    assertThat(guestShell("sha256sum /usr/local/bin/quantix-agent | cut -d' ' -f1")).isEqualTo(sha);
    assertThat(guestShell("stat -c %a /usr/local/bin/quantix-agent")).isEqualTo("755");
    assertThat(guestShell("ls -A /var/lib/quantix-agent-install")).isEmpty();
    assertThat(guestShell("for p in /proc/[0-9]*; do readlink $p/exe; done 2>/dev/null"
        + " | grep -c '^/usr/local/bin/quantix-agent$' || true")).isNotEqualTo("0");

    // the same binary again: nothing pushed or restarted, readiness still checked
    long again = System.nanoTime();
    InstallResult unchanged = new AgentInstaller(agents).install(Guest.VM_ID, spec(BUSYBOX),
        InstallProgress.NONE).join();
    long againNanos = System.nanoTime() - again;
    assertThat(unchanged.unchanged()).isTrue();

    Figures.record("installer in the guest (%d bytes, busybox-static as the agent): %s; total"
        + " %d ms; rerun with the same binary (no-op) %d ms", Files.size(BUSYBOX),
        r.timings().entrySet().stream().map(t -> t.getKey().name().toLowerCase() + " "
            + t.getValue().toMillis() + " ms").collect(Collectors.joining(", ")),
        total / 1_000_000, againNanos / 1_000_000);
    lines.forEach(line -> Figures.record("  install step: %s", line));
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(file)));
  }
}
