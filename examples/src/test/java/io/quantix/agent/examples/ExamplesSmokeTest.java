package io.quantix.agent.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.FakeGuestAgentFleet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every example's main against the testkit: once against an agent (or fleet) the test owns,
 * as with a real endpoint, and once without arguments, as someone trying it out would; each with
 * a bounded run time.
 */
class ExamplesSmokeTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

  private String output() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void quickStartAgainstAnEndpoint() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().hostname("qs-1").start()) {
      QuickStart.run(new String[] {agent.endpoint()}, out);
      assertThat(Files.readString(agent.sandbox().resolve("tmp/quantix-quickstart.txt")))
          .startsWith("hello from QuickStart");
    }
    assertThat(output()).contains("agent 0.1.27", "qs-1 runs ", "uname -a -> exit 0",
        "same bytes", "status: CONNECTED");
  }

  @Test
  void quickStartOnItsOwn() throws Exception {
    QuickStart.run(new String[0], out);
    assertThat(output()).contains("same bytes", "status: CONNECTED");
  }

  @Test
  void dashboardOverAFleetDirectory() throws Exception {
    try (FakeGuestAgentFleet fleet = FakeGuestAgentFleet.builder().directory(dir)
        .vmIds(List.of("vm-a", "vm-b", "vm-c"))
        .agents(a -> a.telemetryInterval(Duration.ofMillis(100))).start()) {
      assertThat(fleet.size()).isEqualTo(3);
      Dashboard.run(new String[] {dir.toString(), "--refresh", "100ms", "--for", "1500ms"}, out);
    }
    String last = output().substring(output().lastIndexOf(" VMs"));
    assertThat(output()).contains("3 VMs");
    for (String vm : List.of("vm-a", "vm-b", "vm-c")) {
      assertThat(last).containsPattern(vm + " +CONNECTED +0\\.1\\.27");
    }
  }

  @Test
  void dashboardOnItsOwn() throws Exception {
    Dashboard.run(new String[] {"--refresh", "200ms", "--for", "1500ms"}, out);
    assertThat(output()).contains("6 VMs", "vm-00001", "vm-stopped");
  }

  @Test
  void eventListenerAgainstAnEndpoint() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder()
        .telemetryInterval(Duration.ofMillis(100)).start()) {
      EventListener.run(new String[] {agent.endpoint(), "--for", "700ms"}, out);
    }
    assertThat(output()).contains("-> CONNECTED", "ready    agent 0.1.27", "telemetry #1",
        "final state CONNECTED");
  }

  @Test
  void eventListenerOnItsOwnShowsResetAndReconnect() throws Exception {
    EventListener.run(new String[] {"--for", "2s"}, out);
    assertThat(output()).contains("-> CONNECTED", "ready    agent", "CONNECTED -> DISCONNECTED",
        "telemetry #1");
  }

  @Test
  void consistentSnapshotAgainstAnEndpoint() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().start()) {
      ConsistentSnapshot.run(new String[] {agent.endpoint()}, out);
      assertThat(agent.guest().frozen()).isFalse();
    }
    assertThat(output()).contains("frozen: / /boot", "snapshot vm-", "taken; filesystems thawed",
        "snapshot failed (storage pool is full); filesystems thawed");
  }

  @Test
  void consistentSnapshotOnItsOwn() throws Exception {
    ConsistentSnapshot.run(new String[0], out);
    assertThat(output()).contains("the fake guest says frozen=true",
        "filesystems thawed (fake guest frozen=false)");
  }

  @Test
  void fileSyncSendsOnlyWhatChanged() throws Exception {
    Path site = Files.createDirectories(dir.resolve("site"));
    Files.writeString(site.resolve("a.txt"), "a");
    Files.createDirectories(site.resolve("sub"));
    Files.writeString(site.resolve("sub/b.txt"), "bb");
    try (FakeGuestAgent agent = FakeGuestAgent.builder().start()) {
      String[] args = {agent.endpoint(), site.toString(), "/srv/site"};
      FileSync.run(args, out);
      Files.writeString(site.resolve("a.txt"), "changed");
      FileSync.run(args, out);
      FileSync.run(args, out);

      assertThat(agent.sandbox().resolve("srv/site/a.txt")).hasContent("changed");
      assertThat(agent.sandbox().resolve("srv/site/sub/b.txt")).hasContent("bb");
      assertThat(agent.sandbox().resolve("srv/site/" + FileSync.MANIFEST)).exists();
    }
    assertThat(output()).contains("2 files, 2 sent (3 bytes), 0 unchanged",
        "2 files, 1 sent (7 bytes), 1 unchanged", "2 files, 0 sent (0 bytes), 2 unchanged");
  }

  @Test
  void fileSyncOnItsOwn() throws Exception {
    FileSync.run(new String[0], out);
    assertThat(output()).contains("3 files, 3 sent", "3 files, 1 sent");
  }
}
