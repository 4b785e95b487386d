package io.quantix.agent.agentctl;

import static io.quantix.agent.agentctl.AgentctlRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.AutoComplete;

/** {@code agentctl completion} and {@code agentctl man}: generated from the command model. */
class AgentctlCompletionTest {
  @TempDir
  Path dir;

  @Test
  void bashScriptKnowsEverySubcommand() {
    AgentctlRunner.Run r = run("completion", "bash");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("complete -F _complete_agentctl", "guestinfo", "svc", "restart",
        "clipboard", "--lock-dir", "list_processes", "file_stat");
  }

  @Test
  void zshScriptLoadsBashcompinit() {
    AgentctlRunner.Run r = run("completion", "zsh");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("# agentctl completion for zsh").contains("complete -F",
        "ZSH_VERSION", "autoload -U +X bashcompinit && bashcompinit");
    assertThat(run("completion", "fish").exitCode()).isEqualTo(2);
  }

  @Test
  void picoclisOwnGeneratorInstantiatesTheCommandByName() throws Exception {
    // This failed with NoSuchMethodException: Agentctl.<init>() before the no-arg constructor.
    Path script = dir.resolve("agentctl_completion");
    // (AutoComplete.main exits the JVM only when picocli.autocomplete.systemExitOn* is set.)
    AutoComplete.main("--force", "-o", script.toString(), Agentctl.class.getName());

    assertThat(script).content().contains("complete -F _complete_agentctl", "guestinfo");
  }

  @Test
  void everyCommandsHelpRenders() {
    // A stray '%' in a description breaks picocli's formatting of help and man page alike.
    java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>();
    todo.add(Agentctl.commandLine(new Console(new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(new java.io.StringWriter()), false)));
    int seen = 0;
    while (!todo.isEmpty()) {
      picocli.CommandLine cl = todo.poll();
      assertThat(cl.getUsageMessage()).as(cl.getCommandSpec().qualifiedName())
          .contains("Usage: " + cl.getCommandSpec().qualifiedName());
      todo.addAll(cl.getSubcommands().values());
      seen++;
    }
    assertThat(seen).isGreaterThan(40);
  }

  @Test
  void manPageFromTheSameModel() throws Exception {
    AgentctlRunner.Run r = run("man");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("= agentctl(1)", "== Name", "== Synopsis", "--lock-dir",
        "guestinfo");

    AgentctlRunner.Run pages = run("man", "--dir", dir.resolve("man").toString());
    assertThat(pages.exitCode()).as(pages.toString()).isZero();
    assertThat(dir.resolve("man/agentctl.adoc")).exists();
    assertThat(dir.resolve("man/agentctl-svc-restart.adoc")).exists();
    try (var files = Files.list(dir.resolve("man"))) {
      assertThat(files.count()).isGreaterThan(30);
    }
  }
}
