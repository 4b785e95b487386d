package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code agentctl ls}, {@code stat}, {@code mkdir} and {@code rm} against the fake guest's sandbox. */
class AgentctlFilesTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  private Path guest;

  @BeforeEach
  void tree() throws Exception {
    guest = agent.agent().sandbox();
    Files.createDirectories(guest.resolve("srv/app/logs"));
    Files.writeString(guest.resolve("srv/app/app.conf"), "port=8080\n");
    Files.write(guest.resolve("srv/app/data.bin"), new byte[4096]);
    Files.writeString(guest.resolve("srv/app/.hidden"), "x");
    Files.createSymbolicLink(guest.resolve("srv/app/current"), Path.of("app.conf"));
    Files.setPosixFilePermissions(guest.resolve("srv/app/app.conf"),
        PosixFilePermissions.fromString("rw-r-----"));
  }

  @Test
  void lsListsEveryEntryLikeLsDashLa() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "ls", "/srv/app"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.outLines().get(0)).startsWith("MODE").contains("OWNER", "SIZE", "MODIFIED", "NAME");
    assertThat(r.out()).containsPattern("-rw-r----- .* 10 .* app\\.conf\n")
        .containsPattern("d[rwx-]{9} .* logs\n")
        .containsPattern("-[rwx-]{9} .* 4096 .* data\\.bin\n")
        .contains(".hidden", "current -> app.conf", "5 entries");
  }

  @Test
  void lsJsonIsOneObjectPerEntry() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "--json", "ls", "/srv/app"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.outLines()).hasSize(5);
    assertThat(r.out()).contains("\"name\":\"app.conf\",\"path\":\"/srv/app/app.conf\",\"type\":\"FILE\",\"sizeBytes\":10,\"mode\":\"0640\"",
        "\"type\":\"DIRECTORY\"", "\"symlinkTarget\":\"app.conf\"");
  }

  @Test
  void statPrintsOnePath() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "stat", "/srv/app/app.conf"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("path      /srv/app/app.conf", "type      FILE", "size      10",
        "mode      0640 (-rw-r-----)", "modified  ");
  }

  @Test
  void statOfAMissingPathIsRemoteFailureExit5() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "stat", "/srv/nope"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).startsWith("agentctl: ").contains("in the guest");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void relativePathIsAUsageErrorBeforeAnyRequest() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "ls", "srv"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
  }

  @Test
  void mkdirWithParentsAndMode() throws Exception {
    AgentctlRunner.Run plain = run(on(agent.agent().endpoint(), "mkdir", "/srv/a/b/c"));
    assertThat(plain.exitCode()).as("no parents without -p: " + plain).isEqualTo(5);

    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "mkdir", "-p", "--mode", "0750",
        "/srv/a/b/c"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("created agent.sock:/srv/a/b/c\n");
    Path made = guest.resolve("srv/a/b/c");
    assertThat(made).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made)))
        .isEqualTo("rwxr-x---");
  }

  @Test
  void rmDeletesAFileAndRecursivelyADirectory() {
    AgentctlRunner.Run file = run(on(agent.agent().endpoint(), "rm", "/srv/app/app.conf"));
    assertThat(file.exitCode()).as(file.toString()).isZero();
    assertThat(file.out()).isEqualTo("removed agent.sock:/srv/app/app.conf\n");
    assertThat(guest.resolve("srv/app/app.conf")).doesNotExist();

    AgentctlRunner.Run notEmpty = run(on(agent.agent().endpoint(), "rm", "/srv/app"));
    assertThat(notEmpty.exitCode()).as(notEmpty.toString()).isEqualTo(5);
    assertThat(guest.resolve("srv/app")).isDirectory();

    AgentctlRunner.Run tree = run(on(agent.agent().endpoint(), "--json", "rm", "-r", "/srv/app"));
    assertThat(tree.exitCode()).as(tree.toString()).isZero();
    assertThat(tree.out()).contains("\"recursive\":true", "\"removed\":true");
    assertThat(guest.resolve("srv/app")).doesNotExist();

    AgentctlRunner.Run root = run(on(agent.agent().endpoint(), "rm", "-r", "/"));
    assertThat(root.exitCode()).as(root.toString()).isEqualTo(2);
    assertThat(guest.resolve("srv")).isDirectory();
  }
}
