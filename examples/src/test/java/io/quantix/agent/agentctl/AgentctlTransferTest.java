package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.on;
import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentctl push} and {@code pull}: files both ways, a progress bar only on a terminal. */
class AgentctlTransferTest {
  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

  @org.junit.jupiter.api.BeforeEach
  void guestMv() {
    GuestMv.install(agent.agent());
  }

  @TempDir
  Path dir;

  @Test
  void pushesWithModeAndParentsAndPullsBack() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    Path local = Files.write(dir.resolve("app.bin"), data);

    AgentctlRunner.Run push = run(on(agent.agent().endpoint(), "push", local.toString(),
        "/opt/app/app.bin", "--mode", "0640", "-p"));

    assertThat(push.exitCode()).as(push.toString()).isZero();
    assertThat(push.out()).startsWith("pushed " + local + " to ").contains(":/opt/app/app.bin",
        "3.0 MiB");
    assertThat(push.err()).as("no progress bar when piped").isEmpty();
    Path inGuest = agent.agent().sandbox().resolve("opt/app/app.bin");
    assertThat(Files.readAllBytes(inGuest)).isEqualTo(data);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(inGuest)))
        .isEqualTo("rw-r-----");

    Path back = dir.resolve("back.bin");
    AgentctlRunner.Run pull = run(on(agent.agent().endpoint(), "pull", "/opt/app/app.bin",
        back.toString()));

    assertThat(pull.exitCode()).as(pull.toString()).isZero();
    assertThat(pull.out()).startsWith("pulled ").contains("3.0 MiB");
    assertThat(Files.readAllBytes(back)).isEqualTo(data);
  }

  @Test
  void remoteDirectoryAndLocalDirectoryTakeTheFileName() throws Exception {
    Path local = Files.writeString(dir.resolve("notes.txt"), "hello");
    Files.createDirectories(agent.agent().sandbox().resolve("srv"));

    AgentctlRunner.Run push = run(on(agent.agent().endpoint(), "push", local.toString(), "/srv/"));
    assertThat(push.exitCode()).as(push.toString()).isZero();
    assertThat(agent.agent().sandbox().resolve("srv/notes.txt")).hasContent("hello");

    Path into = Files.createDirectories(dir.resolve("into"));
    AgentctlRunner.Run pull = run(on(agent.agent().endpoint(), "pull", "/srv/notes.txt",
        into.toString()));
    assertThat(pull.exitCode()).as(pull.toString()).isZero();
    assertThat(into.resolve("notes.txt")).hasContent("hello");
  }

  @Test
  void progressBarOnATerminalOnly() throws Exception {
    Path local = Files.write(dir.resolve("big.bin"), new byte[2 * 1024 * 1024]);

    AgentctlRunner.Run r = run(true, on(agent.agent().endpoint(), "push", local.toString(),
        "/big.bin"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).startsWith("\rpush /big.bin [").contains("100%", "2.0 MiB / 2.0 MiB", "done")
        .endsWith("\n");

    AgentctlRunner.Run json = run(true, on(agent.agent().endpoint(), "--json", "push",
        local.toString(), "/big2.bin"));
    assertThat(json.err()).as("no bar with --json").isEmpty();
    assertThat(json.out()).contains("\"bytes\":2097152", "\"remote\":\"/big2.bin\"");
  }

  @Test
  void progressBarRendering() {
    ProgressBar bar = new ProgressBar(new java.io.PrintWriter(new java.io.StringWriter()), "pull /x");

    assertThat(bar.render(512 * 1024, 1024 * 1024, 1_000_000_000L))
        .isEqualTo("pull /x [###########...........]  50%  512.0 KiB / 1.0 MiB  0.5 MiB/s"
            + "  ETA 0:01");
    assertThat(bar.render(10, -1, 1_000_000_000L)).startsWith("pull /x 10 B  ");
  }

  @Test
  void progressBarNeverWrapsInANarrowTerminal() {
    String label = "push /var/lib/application/releases/2026-12-04/app-bundle.tar.gz";
    for (int columns = 20; columns <= 200; columns++) {
      ProgressBar bar = new ProgressBar(new java.io.PrintWriter(new java.io.StringWriter()), label,
          columns);
      for (long done : new long[] {0, 1, 700L << 20, 3L << 30}) {
        String line = bar.render(done, 3L << 30, 90_000_000_000L);
        assertThat(line.length()).as("%d columns: %s", columns, line).isLessThan(columns);
      }
    }
    ProgressBar sixty = new ProgressBar(new java.io.PrintWriter(new java.io.StringWriter()), label,
        60);
    assertThat(sixty.render(1L << 30, 3L << 30, 10_000_000_000L))
        .contains("[", "33%", "102.4 MiB/s", "ETA 0:20").hasSizeLessThan(60);
  }

  @Test
  void progressBarRedrawsAtMostTenTimesASecond() {
    java.io.StringWriter text = new java.io.StringWriter();
    ProgressBar bar = new ProgressBar(new java.io.PrintWriter(text), "push /x", 80);
    long started = System.nanoTime();
    for (int i = 1; i <= 200_000; i++) {
      bar.onProgress(i, 200_000);
    }
    bar.finish();
    long tenths = (System.nanoTime() - started) / ProgressBar.REDRAW_NANOS;
    // one draw at once, at most one per 100 ms after it, and the final one
    assertThat(bar.redraws()).isLessThanOrEqualTo((int) tenths + 2);
    assertThat(text.toString().split("\r", -1).length - 1).isEqualTo(bar.redraws());
  }

  @Test
  void missingGuestFileIsRemoteFailureExit5() {
    AgentctlRunner.Run r = run(on(agent.agent().endpoint(), "pull", "/no/such/file",
        dir.resolve("x").toString()));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).startsWith("agentctl: ").contains("in the guest");
    assertThat(Files.exists(dir.resolve("x"))).isFalse();
  }

  @Test
  void missingLocalFileExit1AndRelativeGuestPathExit2() throws Exception {
    AgentctlRunner.Run missing = run(on(agent.agent().endpoint(), "push",
        dir.resolve("nope").toString(), "/nope"));
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("agentctl: no such local file: ");

    Path local = Files.write(dir.resolve("f"), "x".getBytes(StandardCharsets.UTF_8));
    AgentctlRunner.Run relative = run(on(agent.agent().endpoint(), "push", local.toString(),
        "relative/path"));
    assertThat(relative.exitCode()).as(relative.toString()).isEqualTo(2);

    AgentctlRunner.Run badMode = run(on(agent.agent().endpoint(), "push", local.toString(),
        "/f", "--mode", "999"));
    assertThat(badMode.exitCode()).isEqualTo(2);
    assertThat(badMode.err()).contains("not an octal mode");
  }
}
