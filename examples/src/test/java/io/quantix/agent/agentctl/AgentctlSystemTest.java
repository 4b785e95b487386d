package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgentExtension;
import io.quantix.agent.testkit.GuestState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentctl time}, {@code passwd}, {@code net}, {@code clipboard} and {@code display}. */
class AgentctlSystemTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @TempDir
  Path dir;

  @Test
  void timeSyncAndSet() {
    AgentctlRunner.Run sync = run(on(agent.agent().endpoint(), "time", "sync"));
    assertThat(sync.exitCode()).as(sync.toString()).isZero();
    assertThat(sync.out()).contains("guest clock", "chrony");

    AgentctlRunner.Run set = run(on(agent.agent().endpoint(), "--json", "time", "set",
        "2030-01-02T03:04:05Z"));
    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(set.out()).contains("\"guestTime\":\"2030-01-02T03:04:05Z\"", "\"offsetMicros\":");
    assertThat(agent.agent().guest().timeSyncs()).extracting(GuestState.TimeSync::setTime)
        .contains(Instant.parse("2030-01-02T03:04:05Z"));

    assertThat(run(on(agent.agent().endpoint(), "time", "set", "tomorrow")).exitCode())
        .isEqualTo(2);
  }

  @Test
  void passwdReadsStdinAndNeverShowsThePassword() {
    AgentctlRunner.Run r = AgentctlRunner.runWithInput("s3cret-Pa55\n",
        on(agent.agent().endpoint(), "--verbose", "passwd", "app", "--expire"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("password of app changed");
    assertThat(r.out() + r.err()).doesNotContain("s3cret");
    assertThat(agent.agent().guest().passwordResets())
        .containsExactly(new GuestState.PasswordReset("app", "s3cret-Pa55", true));
  }

  @Test
  void passwdReadsAFileAndRefusesAnEmptyOne() throws Exception {
    Path file = Files.writeString(dir.resolve("pw"), "from-a-file\r\nsecond line ignored\n");
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "passwd", "root", "--password-file",
        file.toString()));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(agent.agent().guest().passwordResets()).extracting(GuestState.PasswordReset::password)
        .containsExactly("from-a-file");

    AgentctlRunner.Run empty = AgentctlRunner.runWithInput("", on(agent.agent().endpoint(),
        "passwd", "root"));
    assertThat(empty.exitCode()).isEqualTo(2);
    assertThat(empty.err()).contains("empty password");
    assertThat(run(on(agent.agent().endpoint(), "passwd", "root", "hunter2")).exitCode())
        .as("no password on the command line").isEqualTo(2);
  }

  @Test
  void netApplySendsTheFile() throws Exception {
    String yaml = "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n";
    Path file = Files.writeString(dir.resolve("50-eth0.yaml"), yaml);

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "net", "apply", file.toString()));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("written and applied");
    assertThat(agent.agent().guest().networkChanges())
        .containsExactly(new GuestState.NetworkChange(yaml, true));

    AgentctlRunner.Run later = run(on(agent.agent().endpoint(), "net", "apply", "--no-apply",
        file.toString()));
    assertThat(later.out()).contains("not applied");
    assertThat(run(on(agent.agent().endpoint(), "net", "apply", dir.resolve("none").toString()))
        .exitCode()).isEqualTo(1);
  }

  @Test
  void clipboardSetThenGet() throws Exception {
    AgentctlRunner.Run set = run(on(agent.agent().endpoint(), "clipboard", "set", "hello guest"));
    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(agent.agent().guest().clipboard()).hasValueSatisfying(c ->
        assertThat(c.data().toString(StandardCharsets.UTF_8)).isEqualTo("hello guest"));

    AgentctlRunner.Run get = run(on(agent.agent().endpoint(), "clipboard", "get"));
    assertThat(get.exitCode()).as(get.toString()).isZero();
    assertThat(get.out()).isEqualTo("hello guest");

    AgentctlRunner.Run fromStdin = AgentctlRunner.runWithInput("piped text", on(
        agent.agent().endpoint(), "clipboard", "set"));
    assertThat(fromStdin.exitCode()).as(fromStdin.toString()).isZero();
    AgentctlRunner.Run json = run(on(agent.agent().endpoint(), "--json", "clipboard", "get"));
    assertThat(json.out()).contains("\"text\":\"piped text\"", "\"sizeBytes\":10");
  }

  @Test
  void displayResize() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "display", "resize", "1920x1080",
        "--dpi", "96"));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("display 1920x1080 at 96 dpi");
    assertThat(agent.agent().guest().display()).contains(new GuestState.Display(1920, 1080, 96));

    long requests = agent.agent().requestCount();
    for (String bad : new String[] {"1920", "0x100", "99999x1", "axb"}) {
      AgentctlRunner.Run b = run(on(agent.agent().endpoint(), "display", "resize", bad));
      assertThat(b.exitCode()).as(bad).isEqualTo(2);
    }
    assertThat(agent.agent().requestCount()).as("bad sizes never reach the guest")
        .isEqualTo(requests);
  }
}
