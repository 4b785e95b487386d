package io.quantix.agent.agentctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantix.agent.testkit.FakeGuestAgent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, for real: {@code java -jar target/agentctl.jar demo} in its own JVM,
 * from the shaded jar (failsafe runs this after {@code package}; skipped when the jar is absent).
 */
class AgentctlJarIT {
  @TempDir
  Path dir;

  private static Path jar() {
    String configured = System.getProperty("agentctl.jar");
    Path jar = configured != null ? Path.of(configured) : Path.of("target", "agentctl.jar");
    assumeTrue(Files.isRegularFile(jar), "no " + jar + ": run 'mvn package' first");
    return jar;
  }

  private Process start(String... args) throws IOException {
    return startWithInput(null, args);
  }

  /** Starts agentctl with {@code input} (when not null) as its stdin, as a pipe would give it. */
  private Process startWithInput(String input, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar().toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile());
    if (input != null) {
      pb.redirectInput(Files.writeString(dir.resolve("in.txt"), input).toFile());
    }
    return pb.start();
  }

  private int waitFor(Process p) throws InterruptedException {
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("agentctl did not finish within 120 s");
    }
    return p.exitValue();
  }

  private String out() throws IOException {
    return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
  }

  private String err() throws IOException {
    return Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
  }

  @Test
  void demoRunsFromTheShadedJarAndExits0() throws Exception {
    int code = waitFor(start("demo"));

    assertThat(code).as("exit code; stderr:%n%s", err()).isZero();
    for (String step : DemoCommand.stepNames()) {
      assertThat(out()).contains("] " + step + ": ");
    }
    assertThat(out()).contains("matches the upload", "every step passed");
    assertThat(err()).as("quiet by default").isEmpty();
  }

  @Test
  void sigtermDuringQuiesceStopsTheCommandAndThaws() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start()) {
      Process p = start("-e", agent.endpoint(), "quiesce", "--then", "sleep 60");
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> err().contains("running:"));
      assertThat(agent.guest().frozen()).isTrue();

      p.destroy();   // SIGTERM, as Ctrl-C would (both run the shutdown hooks)
      waitFor(p);

      assertThat(err()).contains("interrupted: the command was stopped and the filesystems thawed");
      assertThat(agent.guest().frozen()).isFalse();
    }
  }

  @Test
  void exitCodesReachTheShell() throws Exception {
    int code = waitFor(start("-e", "unix:" + dir.resolve("vm-1.agent.sock"), "ping"));

    assertThat(code).isEqualTo(3);
    assertThat(err()).startsWith("agentctl: cannot connect: NO_CHANNEL");
    assertThat(err().lines()).hasSize(1);

    assertThat(waitFor(start("no-such-command"))).isEqualTo(2);
    assertThat(waitFor(start("--version"))).isZero();
    assertThat(out()).startsWith("agentctl 0.1.0-SNAPSHOT");
  }

  @Test
  void guestinfoAsATableAndAsOneJsonObject() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().hostname("db-1")
        .telemetryInterval(Duration.ofSeconds(30)).start()) {
      assertThat(waitFor(start("-e", agent.endpoint(), "guestinfo"))).as(err()).isZero();
      assertThat(out()).contains("hostname      db-1", "FILESYSTEM", "INTERFACE");

      assertThat(waitFor(start("-e", agent.endpoint(), "--json", "guestinfo"))).as(err()).isZero();
      assertThat(out().lines()).hasSize(1);
      assertThat(out()).startsWith("{\"schemaVersion\":1,\"vm\":").contains("\"hostname\":\"db-1\"",
          "\"filesystems\":[");
    }
  }

  @Test
  void callSendsAnyRequestAndPrintsTheReply() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO)
        .version("0.1.27").start()) {
      int code = waitFor(start("-e", agent.endpoint(), "call", "ping", "{\"sequence\": 7}"));

      assertThat(code).as(err()).isZero();
      assertThat(out()).contains("\"sequence\": \"7\"", "\"version\": \"0.1.27\"");
      assertThat(err()).isEmpty();
    }
  }

  @Test
  void passwdReadsThePasswordFromStdin() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start()) {
      int code = waitFor(startWithInput("c0rrect-h0rse\n", "-e", agent.endpoint(), "--verbose",
          "passwd", "app"));

      assertThat(code).as(err()).isZero();
      assertThat(out()).contains("password of app changed");
      assertThat(out() + err()).doesNotContain("c0rrect");
      assertThat(agent.guest().passwordResets()).extracting(r -> r.password())
          .containsExactly("c0rrect-h0rse");
    }
  }

  @Test
  void completionScriptsForBashAndZsh() throws Exception {
    assertThat(waitFor(start("completion", "bash"))).as(err()).isZero();
    assertThat(out()).contains("complete -F _complete_agentctl", "guestinfo");
    assertThat(err()).isEmpty();

    assertThat(waitFor(start("completion", "zsh"))).as(err()).isZero();
    assertThat(out()).startsWith("# agentctl completion for zsh").contains("bashcompinit");

    assertThat(waitFor(start("man"))).as(err()).isZero();
    assertThat(out()).contains("= agentctl(1)");
  }

  @Test
  void sigtermDuringPushLeavesNoPartialFileInTheGuest() throws Exception {
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).start()) {
      Path guestDir = Files.createDirectories(agent.sandbox().resolve("opt"));
      // Each chunk's acknowledgement takes 2 s: the push is still running when SIGTERM comes.
      agent.fault(io.quantix.agent.proto.AgentMessage.PayloadCase.FILE_WRITE,
          io.quantix.agent.testkit.Fault.delay(Duration.ofSeconds(2)));
      Path local = Files.write(dir.resolve("big.bin"), new byte[6 * 1024 * 1024]);
      Process p = start("-e", agent.endpoint(), "push", local.toString(), "/opt/big.bin");
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
        try (var files = Files.list(guestDir)) {
          return files.anyMatch(f -> f.getFileName().toString().endsWith(".part"));
        }
      });

      p.destroy();   // SIGTERM, as Ctrl-C would (both run the shutdown hooks)
      waitFor(p);

      try (var files = Files.list(guestDir)) {
        assertThat(files).as("neither the target nor the temporary file").isEmpty();
      }
    }
  }
}
