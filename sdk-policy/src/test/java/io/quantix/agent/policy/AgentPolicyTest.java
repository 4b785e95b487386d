package io.quantix.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.client.GuardVerdict;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule type allowing and denying, and policy files. */
class AgentPolicyTest {
  static GuardedCall path(GuestOperation op, String path) {
    return GuardedCall.builder("vm-1", op).path(path).build();
  }

  static GuardedCall exec(String command, String... args) {
    return GuardedCall.builder("vm-1", GuestOperation.EXEC).command(command, List.of(args))
        .timeout(Duration.ofSeconds(10)).build();
  }

  static void allowed(AgentPolicy p, GuardedCall call) {
    GuardVerdict v = p.check(call);
    assertThat(v.allowed()).as("%s: %s", call, v).isTrue();
  }

  static void denied(AgentPolicy p, GuardedCall call, String rule) {
    GuardVerdict v = p.check(call);
    assertThat(v.allowed()).as("%s should be denied", call).isFalse();
    assertThat(v.rule()).as("%s: %s", call, v).isEqualTo(rule);
  }

  @Test
  void allowAllAllowsEverything() {
    for (GuestOperation op : GuestOperation.values()) {
      allowed(AgentPolicy.ALLOW_ALL, GuardedCall.builder("vm", op).build());
    }
    allowed(AgentPolicy.ALLOW_ALL, exec("rm -rf /"));
  }

  @Test
  void operationAllowAndDenyLists() {
    AgentPolicy p = AgentPolicy.builder()
        .allowOperations(GuestOperation.PING, GuestOperation.EXEC, GuestOperation.POWER_OFF)
        .denyOperations(GuestOperation.POWER_OFF).build();
    allowed(p, GuardedCall.builder("vm", GuestOperation.PING).build());
    denied(p, GuardedCall.builder("vm", GuestOperation.POWER_OFF).build(), "operations.deny");
    denied(p, GuardedCall.builder("vm", GuestOperation.REBOOT).build(), "operations.allow");
    // Thaw is never denied: a policy must not leave a guest frozen.
    allowed(p, GuardedCall.builder("vm", GuestOperation.THAW).build());
  }

  @Test
  void commandAllowList() {
    AgentPolicy p = AgentPolicy.builder().allowCommands("uname", "/usr/bin/id").build();
    allowed(p, exec("uname", "-a"));
    allowed(p, exec("/usr/bin/id", "-u"));
    allowed(p, exec("/usr//bin/./id", "-u"));
    denied(p, exec("whoami", "x"), "commands.allow");
    denied(p, exec("/tmp/evil/uname", "-a"), "commands.allow");
    denied(p, exec("id", "-u"), "commands.allow");
    denied(p, exec("uname -a"), "commands.shell");  // shell form is off with an allow list
  }

  @Test
  void commandAllowListWithShellChecksEveryCommandPosition() {
    AgentPolicy p = AgentPolicy.builder().allowCommands("df", "tail", "uname").allowShell(true)
        .build();
    allowed(p, exec("df -h | tail -1"));
    allowed(p, exec("LANG=C uname -a; df"));
    denied(p, exec("df -h; whoami"), "commands.allow");
    denied(p, exec("df $(whoami)"), "commands.shell");
  }

  @Test
  void commandBlockList() {
    AgentPolicy p = AgentPolicy.builder().blockCommands("rm", "/sbin/mkfs").build();
    allowed(p, exec("ls", "-l"));
    allowed(p, exec("ls -l /tmp"));
    denied(p, exec("rm", "-rf", "/"), "commands.block");
    denied(p, exec("/bin/rm", "-rf", "/"), "commands.block");
    denied(p, exec("mkfs", "/dev/sda"), "commands.block");
    denied(p, exec("rm -rf /"), "commands.block");
  }

  @Test
  void shellFormBlockableAsAWhole() {
    AgentPolicy p = AgentPolicy.builder().allowShell(false).build();
    allowed(p, exec("ls", "-l"));
    denied(p, exec("ls -l"), "commands.shell");
    denied(p, exec("/bin/sh", "-c", "ls"), "commands.shell");
    denied(p, exec("python3", "-c", "print(1)"), "commands.shell");
  }

  @Test
  void pathPrefixesPerAccessKind() {
    AgentPolicy p = AgentPolicy.builder().readPaths("/var/log").writePaths("/tmp", "/opt/app/")
        .deletePaths("/tmp").listPaths("/").build();
    allowed(p, path(GuestOperation.DOWNLOAD, "/var/log/syslog"));
    allowed(p, path(GuestOperation.STAT, "/var/log"));
    denied(p, path(GuestOperation.DOWNLOAD, "/var/logs/x"), "paths.read");
    denied(p, path(GuestOperation.STAT, "/etc/shadow"), "paths.read");
    allowed(p, path(GuestOperation.UPLOAD, "/opt/app/bin/run"));
    allowed(p, path(GuestOperation.MKDIR, "/tmp/a/b"));
    denied(p, path(GuestOperation.UPLOAD, "/opt/application"), "paths.write");
    allowed(p, path(GuestOperation.DELETE, "/tmp/x"));
    denied(p, path(GuestOperation.DELETE, "/opt/app/x"), "paths.delete");
    allowed(p, path(GuestOperation.LIST, "/anything"));
    denied(p, path(GuestOperation.LIST, "relative"), "paths.list");
  }

  @Test
  void maxTransferBytes() {
    AgentPolicy p = AgentPolicy.builder().maxTransferBytes(1024).build();
    allowed(p, GuardedCall.builder("vm", GuestOperation.UPLOAD).path("/tmp/a").bytes(1024).build());
    denied(p, GuardedCall.builder("vm", GuestOperation.UPLOAD).path("/tmp/a").bytes(1025).build(),
        "maxTransferBytes");
    denied(p, GuardedCall.builder("vm", GuestOperation.UPLOAD).path("/tmp/a").bytes(-1).build(),
        "maxTransferBytes");
    denied(p, GuardedCall.builder("vm", GuestOperation.AGENT_UPDATE).bytes(4096).build(),
        "maxTransferBytes");
  }

  @Test
  void maxExecTimeout() {
    AgentPolicy p = AgentPolicy.builder().maxExecTimeout(Duration.ofSeconds(30)).build();
    allowed(p, exec("ls", "-l"));
    denied(p, GuardedCall.builder("vm", GuestOperation.EXEC).command("ls", List.of("-l"))
        .timeout(Duration.ofSeconds(300)).build(), "maxExecTimeout");
  }

  @Test
  void perVmOverrideReplacesThePolicy() {
    AgentPolicy strict = AgentPolicy.builder().denyOperations(GuestOperation.EXEC).build();
    AgentPolicy p = AgentPolicy.builder().vm("vm-7", strict).build();
    allowed(p.forVm("vm-1"), exec("ls", "-l"));
    denied(p.forVm("vm-7"), exec("ls", "-l"), "operations.deny");
  }

  @Test
  void loadsYamlAndJsonFiles(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("policy.yaml");
    Files.writeString(yaml, String.join("\n",
        "operations:",
        "  deny: [halt, power-off]",
        "commands:",
        "  block: [rm, dd]",
        "  shell: deny",
        "paths:",
        "  write: [/tmp, /opt/app]",
        "  read: [/var/log]",
        "maxTransferBytes: 10MiB",
        "maxExecTimeout: 30s",
        "rateLimits:",
        "  exec: 10/1m",
        "  all: 100/1s",
        "audit:",
        "  failClosed: true",
        "vms:",
        "  vm-7:",
        "    operations: {allow: [ping]}",
        ""));
    AgentPolicy p = AgentPolicy.load(yaml);
    denied(p, GuardedCall.builder("vm", GuestOperation.POWER_OFF).build(), "operations.deny");
    denied(p, exec("dd", "if=/dev/zero"), "commands.block");
    denied(p, exec("ls -l"), "commands.shell");
    denied(p, path(GuestOperation.UPLOAD, "/etc/passwd"), "paths.write");
    denied(p, GuardedCall.builder("vm", GuestOperation.UPLOAD).path("/tmp/a").bytes(11L << 20)
        .build(), "maxTransferBytes");
    assertThat(p.rateLimits()).containsEntry(OperationClass.EXEC,
        new RateLimit(10, Duration.ofMinutes(1)));
    assertThat(p.auditFailClosed()).isTrue();
    denied(p.forVm("vm-7"), exec("ls", "-l"), "operations.allow");
    assertThat(p.ruleCount()).isEqualTo(2 + 2 + 2 + 1 + 1 + 1 + 2 + 1);

    Path json = dir.resolve("policy.json");
    Files.writeString(json, "{\"commands\": {\"allow\": [\"uname\"]}, \"paths\": {\"list\": [\"/srv\"]}}");
    AgentPolicy j = AgentPolicy.load(json);
    allowed(j, exec("uname", "-a"));
    denied(j, path(GuestOperation.LIST, "/etc"), "paths.list");
  }

  @Test
  void policyFileErrorsAreClearAndNothingIsIgnored() {
    assertThatThrownBy(() -> AgentPolicy.parse("commands: {blok: [rm]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commands.blok");
    assertThatThrownBy(() -> AgentPolicy.parse("operations: {deny: [explode]}"))
        .hasMessageContaining("unknown operation 'explode'");
    assertThatThrownBy(() -> AgentPolicy.parse("rateLimits: {exec: ten}"))
        .hasMessageContaining("LIMIT/PERIOD");
    assertThatThrownBy(() -> AgentPolicy.parse("paths: {write: [/tmp/../etc]}"))
        .hasMessageContaining("'..'");
    assertThatThrownBy(() -> AgentPolicy.parse("vms: {vm-1: {vms: {}}}"))
        .hasMessageContaining("vms.vm-1");
  }
}
