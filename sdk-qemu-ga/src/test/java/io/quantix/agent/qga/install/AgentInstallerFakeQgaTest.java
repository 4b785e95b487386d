package io.quantix.agent.qga.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantix.agent.AgentException;
import io.quantix.agent.qga.fake.FakeQemuGa;
import io.quantix.agent.qga.registry.GuestAgents;
import io.quantix.agent.qga.registry.QgaResolvers;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer's config file against the fake qemu-ga (real exec and files under a temp root),
 * with the testkit's fake agent as "the agent" so readiness goes through the registry.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentInstallerFakeQgaTest {
  @TempDir Path dir;
  private FakeQemuGa fake;
  private AgentRegistry registry;
  private GuestAgents agents;
  private final List<FakeGuestAgent> started = new ArrayList<>();
  private final List<String> configAtStart = new ArrayList<>();
  private Path binary;

  @BeforeEach
  void start() throws Exception {
    binary = Path.of("/bin/busybox");
    assumeTrue(Files.isRegularFile(binary) && AgentBinary.inspect(binary).isStatic(),
        "no static /bin/busybox (apt-get install busybox-static)");
    fake = FakeQemuGa.start(dir.resolve("vm1.qga.sock"));
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
    if (fake != null) {
      fake.close();
    }
  }

  private Path config() {
    return dir.resolve("root/etc/quantix-kvm/agent.yaml");
  }

  private InstallSpec spec(String configText) {
    ServiceManager startsAgent = (qga, bin) -> {
      configAtStart.add(Files.isRegularFile(config()) ? readConfig() : "missing");
      started.forEach(FakeGuestAgent::close);
      started.add(FakeGuestAgent.builder().socketPath(dir.resolve("vm1.agent.sock"))
          .version("3.1.4").build().start());
      return CompletableFuture.completedFuture(null);
    };
    return InstallSpec.of(binary).withRoot(dir.resolve("root").toString())
        .withExpectedVersion("3.1.4").withService(startsAgent)
        .withReadyTimeout(Duration.ofSeconds(30))
        .withConfig(AgentConfigFile.of(configText.getBytes(StandardCharsets.UTF_8)));
  }

  private String readConfig() {
    try {
      return Files.readString(config());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
  void configWrittenWithMode0600BeforeTheStartThenSameConfigIsANoOp() throws Exception {
    List<String> events = new ArrayList<>();
    AgentInstaller installer = new AgentInstaller(agents);
    InstallResult r = installer.install("vm1", spec("key: hunter2\n"),
        (step, detail) -> events.add(step + " " + detail)).join();
    assertThat(r.version()).isEqualTo("3.1.4");
    assertThat(configAtStart).containsExactly("key: hunter2\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config())))
        .isEqualTo("rw-------");
    assertThat(events).filteredOn(e -> e.startsWith("INSTALLED config")).singleElement()
        .asString().endsWith("agent.yaml written (mode 0600)");
    assertThat(String.join("\n", events)).doesNotContain("hunter2");
    assertThat(r.timings()).containsKey(InstallStep.INSTALLED);

    InstallResult again = installer.install("vm1", spec("key: hunter2\n"), InstallProgress.NONE)
        .join();
    assertThat(again.unchanged()).isTrue();
    assertThat(configAtStart).hasSize(1);
    assertThat(Files.list(config().getParent())).containsExactly(config());
  }

  @Test
  void newConfigWithTheSameBinaryIsWrittenAndTheServiceRestarted() {
    AgentInstaller installer = new AgentInstaller(agents);
    installer.install("vm1", spec("a: 1\n"), InstallProgress.NONE).join();
    List<InstallStep> steps = new ArrayList<>();
    InstallResult r = installer.install("vm1", spec("a: 2\n"), (step, d) -> steps.add(step))
        .join();
    assertThat(r.unchanged()).isFalse();
    assertThat(steps).containsExactly(InstallStep.CHECKED, InstallStep.INSTALLED,
        InstallStep.STARTED, InstallStep.READY);
    assertThat(configAtStart).containsExactly("a: 1\n", "a: 2\n");
  }

  @Test
  void configThatCannotBeWrittenFailsAtInstalledAndRollsTheBinaryBack() throws Exception {
    Files.createDirectories(dir.resolve("root"));
    Files.writeString(dir.resolve("root/etc"), "a file where the config directory should be");
    AgentException e = failure(new AgentInstaller(agents).install("vm1", spec("pw: hunter2\n"),
        InstallProgress.NONE));
    assertThat(e.getMessage()).contains("install failed at step INSTALLED", "rolled back")
        .doesNotContain("hunter2");
    assertThat(dir.resolve("root/usr/local/bin/quantix-agent")).doesNotExist();
    // The only start is the rollback's restart (existing behaviour), and no config is in place.
    assertThat(configAtStart).containsExactly("missing");
  }

  @Test
  void configFromAMissingLocalFileFailsBeforeAnyByteMoves() {
    InstallSpec spec = spec("x").withConfig(AgentConfigFile.of(dir.resolve("no-such.yaml")));
    AgentException e = failure(new AgentInstaller(agents).install("vm1", spec,
        InstallProgress.NONE));
    assertThat(e.getMessage()).contains("install failed at step CHECKED", "agent.yaml");
    assertThat(dir.resolve("root")).doesNotExist();
  }

  @Test
  void configGuestPathMustBeAnAbsoluteFilePath() {
    AgentConfigFile c = AgentConfigFile.of(new byte[] {1});
    for (String bad : new String[] {"etc/a.yaml", "/etc/", "/etc/it's.yaml"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.at(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
    }
    assertThat(c.toString()).isEqualTo("AgentConfigFile[/etc/quantix-kvm/agent.yaml,"
        + " contents not shown]");
  }
}
