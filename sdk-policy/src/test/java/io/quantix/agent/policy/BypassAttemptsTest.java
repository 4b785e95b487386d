package io.quantix.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.GuardVerdict;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attempts to get past path and command rules, each with the verdict it must get. The table is
 * also written to {@code target/bypass-attempts.md} for the closing note.
 */
class BypassAttemptsTest {
  /** Reads under /tmp and /var/log; writes, deletes and listings under /tmp; a block list. */
  static final AgentPolicy POLICY = AgentPolicy.builder()
      .readPaths("/tmp", "/var/log").writePaths("/tmp").deletePaths("/tmp").listPaths("/tmp")
      .blockCommands("rm", "shutdown", "dd", "mkfs").build();
  private static final List<String> TABLE = new ArrayList<>();

  static Arguments read(String path, String expected) {
    return Arguments.of("read " + show(path), GuardedCall.builder("vm", GuestOperation.DOWNLOAD)
        .path(path).build(), expected);
  }

  static Arguments delete(String path, String expected) {
    return Arguments.of("delete " + show(path), GuardedCall.builder("vm", GuestOperation.DELETE)
        .path(path).build(), expected);
  }

  static Arguments shell(String script, String expected) {
    return Arguments.of("shell " + show(script), exec(script, List.of()), expected);
  }

  static Arguments program(String expected, String command, String... args) {
    return Arguments.of("argv " + show(command + " " + String.join(" ", args)),
        exec(command, List.of(args)), expected);
  }

  private static GuardedCall exec(String command, List<String> args) {
    return GuardedCall.builder("vm", GuestOperation.EXEC).command(command, args)
        .timeout(Duration.ofSeconds(10)).build();
  }

  private static String show(String s) {
    return s.replace("\0", "\\0").replace("\n", "\\n").replace("\t", "\\t").replace("|", "\\|");
  }

  static Stream<Arguments> attempts() {
    return Stream.of(
        read("/tmp/../etc/shadow", "paths.read"),
        read("//etc//shadow", "paths.read"),
        read("/tmp/x/../../etc", "paths.read"),
        read("/tmp/./../etc/shadow", "paths.read"),
        read("/tmp/..", "paths.read"),
        read("/var/log/../../etc/shadow", "paths.read"),
        read("/tmp/\0/../etc/shadow", "paths.read"),
        read("/tmp\0/etc/shadow", "paths.read"),
        read("/tmp\\..\\etc\\shadow", "paths.read"),
        read("/tmpfoo/secret", "paths.read"),
        read("/TMP/x", "paths.read"),
        read("tmp/x", "paths.read"),
        read("", "paths.read"),
        read("//tmp//x", "allow"),
        read("/tmp/./x/.", "allow"),
        read("/tmp/x/", "allow"),
        read("/tmp/...", "allow"),
        read("/tmp/%2e%2e/etc/shadow", "allow"),
        read("/tmp/\u2025/etc/shadow", "allow"),
        delete("/tmp", "allow"),
        delete("/", "paths.delete"),
        delete("/tmp/../", "paths.delete"),
        shell("rm -rf /", "commands.block"),
        shell("ls; rm -rf /", "commands.block"),
        shell("ls && rm -rf /", "commands.block"),
        shell("ls\nrm -rf /", "commands.block"),
        shell("\trm -rf /", "commands.block"),
        shell("ls | xargs rm", "commands.block"),
        shell("r''m -rf /", "commands.block"),
        shell("r\\m -rf /", "commands.block"),
        shell("\"rm\" -rf /", "commands.block"),
        shell("/bin/r? -rf /", "commands.block"),
        shell("/bin/r* -rf /", "commands.block"),
        shell("/usr/sbin/shutdown -h now", "commands.block"),
        shell("echo $(rm -rf /)", "commands.shell"),
        shell("`rm` -rf /", "commands.shell"),
        shell("X=rm; $X -rf /", "commands.shell"),
        shell("sh -c 'rm -rf /'", "commands.shell"),
        shell("echo cm0gLXJmIC8K | base64 -d | sh", "commands.shell"),
        shell("eval 'ls'", "commands.shell"),
        shell(". /tmp/script", "commands.shell"),
        shell("python3 -c 'import os'", "commands.shell"),
        shell("ls -l /tmp", "allow"),
        program("commands.block", "/bin/sh", "-c", "rm -rf /"),
        program("commands.block", "/bin/sh", "-ec", "rm -rf /"),
        program("commands.block", "bash", "-c", "ls; dd if=/dev/zero of=/dev/sda"),
        program("commands.block", "busybox", "rm", "-rf", "/"),
        program("commands.block", "env", "rm", "-rf", "/"),
        program("commands.block", "sudo", "/bin/rm", "-rf", "/"),
        program("commands.block", "xargs", "rm"),
        program("commands.block", "nice", "-n", "5", "mkfs", "/dev/sda"),
        program("commands.block", "/usr/bin/../bin/rm", "-rf", "/"),
        program("commands.block", "./rm", "x"),
        program("commands.block", "python3", "-c", "import os; os.system('rm -rf /')"),
        program("commands.nul", "ls\0rm", "x"),
        program("commands.nul", "ls", "x\0y"),
        program("allow", "RM", "-rf", "/"),
        program("allow", "ls", "-l", "/tmp/rm"),
        // Known limits of a block list: programs that delete by themselves.
        program("allow", "find", "/", "-delete"),
        program("allow", "perl", "-e", "unlink '/etc/passwd'"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("attempts")
  void attempt(String what, GuardedCall call, String expected) {
    GuardVerdict v = POLICY.check(call);
    String got = v.allowed() ? "allow" : v.rule();
    TABLE.add("| `" + what + "` | " + got + " | " + (v.allowed() ? "" : v.reason().replace("|", "\\|")
        .replace("\0", "\\0").replace("\n", "\\n")) + " |");
    assertThat(got).as("%s: %s", what, v).isEqualTo(expected);
  }

  @AfterAll
  static void writeTable() throws Exception {
    Path out = Path.of("target", "bypass-attempts.md");
    Files.createDirectories(out.getParent());
    Files.write(out, Stream.concat(Stream.of("| attempt | verdict | reason |", "|---|---|---|"),
        TABLE.stream()).toList());
  }
}
