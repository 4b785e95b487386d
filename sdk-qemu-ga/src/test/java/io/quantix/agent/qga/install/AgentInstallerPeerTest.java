package io.quantix.agent.qga.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static org.awaitility.Awaitility.await;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.qga.registry.GuestAgents;
import io.quantix.agent.qga.registry.QgaResolvers;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole install against Debian's qemu-ga under a temp install root; "starting the agent"
 * starts the testkit's fake agent on the VM's Quantix channel, so readiness goes through the
 * registry for real. Skipped with the reason without qemu-ga or a static busybox.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentInstallerPeerTest {
  @TempDir Path dir;
  private Object qemuGa;
  private AgentRegistry registry;
  private GuestAgents agents;
  private final List<FakeGuestAgent> started = new ArrayList<>();
  private Path binary;
  private Runnable stopQga;

  @BeforeEach
  void start() throws Exception {
    binary = Path.of("/bin/busybox");
    assumeTrue(Files.isRegularFile(binary) && AgentBinary.inspect(binary).isStatic(),
        "no static /bin/busybox (apt-get install busybox-static)");
    Path exe = Path.of("/usr/sbin/qemu-ga");
    assumeTrue(Files.isExecutable(exe), "qemu-ga is not installed");
    Path qgaDir = Files.createDirectories(dir.resolve("qga"));
    var real = io.quantix.agent.qga.RealQemuGaAccess.start(exe, qgaDir, dir.resolve("vm1.qga.sock"));
    stopQga = real;
    registry = AgentRegistry.builder().resolver(EndpointResolver.directory(dir))
        .readyTimeout(Duration.ofSeconds(2))
        .reconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500)).build();
    agents = GuestAgents.builder(registry).qgaResolver(QgaResolvers.directory(dir)).build();
  }

  @AfterEach
  void stop() {
    if (agents != null) {
      agents.close();
      registry.close();
    }
    started.forEach(FakeGuestAgent::close);
    if (stopQga != null) {
      stopQga.run();
    }
  }

  private ServiceManager startsFakeAgent(String version) {
    return (qga, bin) -> {
      FakeGuestAgent agent = FakeGuestAgent.builder().socketPath(dir.resolve("vm1.agent.sock"))
          .version(version).build().start();
      started.add(agent);
      return CompletableFuture.completedFuture(null);
    };
  }

  private InstallSpec spec() {
    return InstallSpec.of(binary).withRoot(dir.resolve("root").toString())
        .withExpectedVersion("9.9.9").withService(startsFakeAgent("9.9.9"))
        .withReadyTimeout(Duration.ofSeconds(30));
  }

  private static AgentException failure(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (CompletionException e) {
      return AgentException.from(e);
    }
    throw new AssertionError("succeeded");
  }

  @Test
  void installsVerifiesStartsAndWaitsThroughTheRegistryThenIsIdempotent() throws Exception {
    Files.createDirectories(dir.resolve("root/run/systemd/system"));
    List<InstallStep> steps = new ArrayList<>();
    InstallResult r = new AgentInstaller(agents).install("vm1", spec(),
        (step, detail) -> steps.add(step)).join();
    assertThat(r.version()).isEqualTo("9.9.9");
    assertThat(r.unchanged()).isFalse();
    assertThat(steps).containsExactly(InstallStep.values());
    assertThat(r.timings()).containsOnlyKeys(InstallStep.values());
    Path installed = dir.resolve("root/usr/local/bin/quantix-agent");
    assertThat(Files.readAllBytes(installed)).isEqualTo(Files.readAllBytes(binary));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(installed)))
        .isEqualTo("rwxr-xr-x");
    assertThat(dir.resolve("root/var/lib/quantix-agent-install")).isEmptyDirectory();
    InstallResult again = new AgentInstaller(agents).install("vm1", spec(),
        InstallProgress.NONE).join();
    assertThat(again.unchanged()).isTrue();
    assertThat(started).hasSize(1);
  }

  @Test
  void dynamicBinaryIsRefusedAtCheckAndNothingMoves() {
    AgentException e = failure(new AgentInstaller(agents).install("vm1",
        new InstallSpec(Path.of("/bin/ls"), null, dir.resolve("root").toString(),
            InstallSpec.DEFAULT_GUEST_BINARY, startsFakeAgent("1"), Duration.ofSeconds(5)),
        InstallProgress.NONE));
    assertThat(e.getMessage()).contains("install failed at step CHECKED", "PT_INTERP");
    assertThat(dir.resolve("root/usr")).doesNotExist();
  }

  @Test
  void failingStartRollsBack() {
    ServiceManager broken = (qga, bin) -> CompletableFuture.failedFuture(
        AgentException.remote("systemctl", "Job for quantix-agent.service failed"));
    AgentException e = failure(new AgentInstaller(agents).install("vm1",
        spec().withService(broken), InstallProgress.NONE));
    assertThat(e.getMessage()).contains("step STARTED", "Job for quantix-agent.service failed",
        "rolled back");
    assertThat(dir.resolve("root/usr/local/bin/quantix-agent")).doesNotExist();
  }

  @Test
  void agentNeverReadyRollsBackToThePreviousBinary() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("root/usr/local/bin")).resolve("quantix-agent");
    Files.writeString(bin, "previous agent");
    AgentException e = failure(new AgentInstaller(agents).install("vm1", spec()
        .withService((qga, b) -> CompletableFuture.completedFuture(null))
        .withReadyTimeout(Duration.ofSeconds(2)), InstallProgress.NONE));
    assertThat(e.getMessage()).contains("step READY", "rolled back");
    assertThat(Files.readString(bin)).isEqualTo("previous agent");
  }

  @Test
  void uninstallRemovesTheServiceAndTheBinary() throws Exception {
    boolean[] removed = {false};
    ServiceManager tracked = new ServiceManager() {
      @Override
      public CompletableFuture<Void> restart(io.quantix.agent.qga.QgaClient qga, String bin) {
        return startsFakeAgent("9.9.9").restart(qga, bin);
      }

      @Override
      public CompletableFuture<Void> remove(io.quantix.agent.qga.QgaClient qga, String bin) {
        removed[0] = true;
        return CompletableFuture.completedFuture(null);
      }
    };
    AgentInstaller installer = new AgentInstaller(agents);
    installer.install("vm1", spec().withService(tracked), InstallProgress.NONE).join();
    installer.uninstall("vm1", spec().withService(tracked)).join();
    assertThat(removed[0]).isTrue();
    assertThat(dir.resolve("root/usr/local/bin/quantix-agent")).doesNotExist();
  }

  /**
   * "The agent" of an upgrade test: every restart stops the running fake and starts one that
   * announces the version of the binary now installed (looked up by its bytes); a binary
   * without a version never becomes ready.
   */
  private ServiceManager runsInstalledVersion(Map<String, String> versionBySha) {
    return (qga, bin) -> {
      started.forEach(FakeGuestAgent::close);
      String version = versionBySha.get(AgentInstaller.sha256(Path.of(bin)));
      if (version != null) {
        startsFakeAgent(version).restart(qga, bin).join();
      }
      return CompletableFuture.completedFuture(null);
    };
  }

  /** A static binary with different bytes: busybox with {@code tag} appended. */
  private Path variant(String tag) throws Exception {
    Path copy = dir.resolve("agent-" + tag);
    Files.write(copy, Files.readAllBytes(binary));
    Files.writeString(copy, tag, java.nio.file.StandardOpenOption.APPEND);
    return copy;
  }

  private String connectedVersion() {
    AgentStatus s = registry.status("vm1");
    return s.state() == AgentState.CONNECTED
        ? s.agentInfo().map(AgentInfo::version).orElse("") : "";
  }

  private InstallSpec versioned(Path agent, String version, ServiceManager service) {
    return new InstallSpec(agent, version, dir.resolve("root").toString(),
        InstallSpec.DEFAULT_GUEST_BINARY, service, Duration.ofSeconds(30));
  }

  @Test
  void upgradeStopsReplacesStartsAndConfirmsTheNewVersionThroughTheRegistry() throws Exception {
    Path a = variant("A");
    Path b = variant("B");
    ServiceManager service = runsInstalledVersion(Map.of(AgentInstaller.sha256(a), "1.0.0",
        AgentInstaller.sha256(b), "2.0.0"));
    AgentInstaller installer = new AgentInstaller(agents);
    installer.install("vm1", versioned(a, "1.0.0", service), InstallProgress.NONE).join();
    assertThat(connectedVersion()).isEqualTo("1.0.0");
    InstallResult r = installer.install("vm1", versioned(b, "2.0.0", service),
        InstallProgress.NONE).join();
    assertThat(r.version()).isEqualTo("2.0.0");
    assertThat(r.unchanged()).isFalse();
    assertThat(connectedVersion()).isEqualTo("2.0.0");
    Path installed = dir.resolve("root/usr/local/bin/quantix-agent");
    assertThat(installed).hasSameBinaryContentAs(b);
    assertThat(Path.of(installed + ".prev")).hasSameBinaryContentAs(a);
    assertThat(started).hasSize(2);
    assertThat(started.get(0).socketPath()).isEqualTo(started.get(1).socketPath());
  }

  @Test
  void upgradeThatNeverBecomesReadyRestoresThePreviousBinaryAndVersion() throws Exception {
    Path a = variant("A");
    Path b = variant("B");
    ServiceManager service = runsInstalledVersion(Map.of(AgentInstaller.sha256(a), "1.0.0"));
    AgentInstaller installer = new AgentInstaller(agents);
    installer.install("vm1", versioned(a, "1.0.0", service), InstallProgress.NONE).join();
    assertThat(connectedVersion()).isEqualTo("1.0.0");
    AgentException e = failure(installer.install("vm1", versioned(b, "2.0.0", service)
        .withReadyTimeout(Duration.ofSeconds(3)), InstallProgress.NONE));
    assertThat(e.getMessage()).contains("step READY", "2.0.0", "rolled back");
    assertThat(dir.resolve("root/usr/local/bin/quantix-agent")).hasSameBinaryContentAs(a);
    await().atMost(Duration.ofSeconds(30)).until(() -> connectedVersion().equals("1.0.0"));
    assertThat(started).hasSize(2);
  }

  @Test
  void configIsWrittenPrivateBeforeTheStartNeverShownAndSameConfigIsANoOp() throws Exception {
    Files.createDirectories(dir.resolve("root/run/systemd/system"));
    Path config = dir.resolve("root/etc/quantix-kvm/agent.yaml");
    List<String> seenAtStart = new ArrayList<>();
    ServiceManager service = (qga, bin) -> {
      seenAtStart.add(Files.isRegularFile(config) ? "present" : "missing");
      return startsFakeAgent("9.9.9").restart(qga, bin);
    };
    List<String> details = new ArrayList<>();
    InstallProgress record = (step, detail) -> details.add(step + " " + detail);
    AgentInstaller installer = new AgentInstaller(agents);
    InstallSpec spec = spec().withService(service)
        .withConfig(AgentConfigFile.of("token: s3cret-A\n".getBytes()));
    installer.install("vm1", spec, record).join();
    assertThat(Files.readString(config)).isEqualTo("token: s3cret-A\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-------");
    assertThat(seenAtStart).containsExactly("present");
    assertThat(details).anyMatch(d -> d.startsWith("INSTALLED config ") && d.contains(
        "agent.yaml written (mode 0600)"));
    assertThat(String.join("\n", details) + spec.config()).doesNotContain("s3cret");
    assertThat(dir.resolve("root/var/lib/quantix-agent-install")).isEmptyDirectory();
    assertThat(dir.resolve("root/etc/quantix-kvm")).isDirectoryNotContaining(
        p -> !p.getFileName().toString().equals("agent.yaml"));

    assertThat(installer.install("vm1", spec, InstallProgress.NONE).join().unchanged()).isTrue();
    assertThat(seenAtStart).hasSize(1);

    Path local = dir.resolve("agent.yaml");
    Files.writeString(local, "token: s3cret-B\n");
    InstallResult changed = installer.install("vm1", spec.withConfig(AgentConfigFile.of(local)),
        InstallProgress.NONE).join();
    assertThat(changed.unchanged()).isFalse();
    assertThat(seenAtStart).hasSize(2);
    assertThat(Files.readString(config)).isEqualTo("token: s3cret-B\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-------");
  }

  @Test
  void configAtAnOtherPathIsRolledBackWithTheBinaryWhenTheAgentNeverComesUp() throws Exception {
    Path config = Files.createDirectories(dir.resolve("root/opt/qa")).resolve("agent.yaml");
    Files.writeString(config, "old: true\n");
    AgentException e = failure(new AgentInstaller(agents).install("vm1", spec()
        .withService((qga, b) -> CompletableFuture.completedFuture(null))
        .withReadyTimeout(Duration.ofSeconds(2))
        .withConfig(AgentConfigFile.of("new: s3cret\n".getBytes()).at("/opt/qa/agent.yaml")),
        InstallProgress.NONE));
    assertThat(e.getMessage()).contains("step READY", "rolled back", "agent.yaml rolled back")
        .doesNotContain("s3cret");
    assertThat(Files.readString(config)).isEqualTo("old: true\n");
    assertThat(dir.resolve("root/usr/local/bin/quantix-agent")).doesNotExist();
  }
}
