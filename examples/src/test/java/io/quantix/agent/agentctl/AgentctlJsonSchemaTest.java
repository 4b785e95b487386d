package io.quantix.agent.agentctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's JSON rules, checked over every subcommand's --json output: each line one object
 * starting with {@code schemaVersion}, {@code vm} and {@code endpoint}; durations named
 * {@code *Millis} or {@code *Micros}; sizes named {@code *Bytes}. A subcommand added without an
 * entry here fails {@link #everySubcommandIsCovered}.
 */
class AgentctlJsonSchemaTest {
  /** Subcommands whose stdout is not JSON lines by design (a script, a document, help). */
  private static final Set<String> NOT_JSON = Set.of("completion", "man", "help");
  /** Subcommands that need qemu-ga: their --json envelope is checked by AgentctlQgaTest. */
  private static final Set<String> QGA_PEER = Set.of("qga ping", "qga info", "qga osinfo",
      "qga exec", "qga push", "qga pull", "qga fsinfo", "qga freeze-status", "install");
  private static final Pattern DURATION = Pattern.compile(
      ".*(duration|uptime|age|delay|timeout|elapsed|roundtrip|offset|ping).*");
  private static final Pattern SIZE = Pattern.compile(".*(size|memory|cache|vram).*");

  @RegisterExtension
  FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b
      .telemetryInterval(Duration.ofMillis(200)).hostname("web-1"));

  @TempDir
  Path dir;

  /** One --json invocation per subcommand path (the endpoint and --json are added). */
  private Map<String, List<String>> invocations() throws Exception {
    Path local = Files.writeString(dir.resolve("f.txt"), "data");
    Path netplan = Files.writeString(dir.resolve("net.yaml"), "network: {version: 2}\n");
    Files.createDirectories(agent.agent().sandbox().resolve("srv"));
    Files.writeString(agent.agent().sandbox().resolve("srv/a.txt"), "a");
    GuestMv.install(agent.agent());
    agent.agent().scriptCommand("hostname", ExecuteResponse.newBuilder().setExitCode(0)
        .setStdout("web-1\n").build());
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("demo", List.of("demo"));
    m.put("ping", List.of("ping"));
    m.put("info", List.of("info"));
    m.put("exec", List.of("exec", "--", "hostname"));
    m.put("push", List.of("push", local.toString(), "/srv/f.txt"));
    m.put("pull", List.of("pull", "/srv/a.txt", dir.resolve("a.txt").toString()));
    m.put("ls", List.of("ls", "/srv"));
    m.put("stat", List.of("stat", "/srv/a.txt"));
    m.put("mkdir", List.of("mkdir", "/srv/new"));
    m.put("rm", List.of("rm", "/srv/a.txt"));
    m.put("watch", List.of("watch", "--count", "1"));
    m.put("quiesce", List.of("quiesce", "--then", "true"));
    m.put("status", List.of("status"));
    m.put("guestinfo", List.of("guestinfo"));
    m.put("hw", List.of("hw"));
    m.put("sw", List.of("sw", "--filter", "lib"));
    m.put("ps", List.of("ps"));
    m.put("kill", List.of("kill", "702"));
    m.put("svc list", List.of("svc", "list"));
    m.put("svc status", List.of("svc", "status", "cron"));
    m.put("svc start", List.of("svc", "start", "cron"));
    m.put("svc stop", List.of("svc", "stop", "cron"));
    m.put("svc restart", List.of("svc", "restart", "cron"));
    m.put("svc enable", List.of("svc", "enable", "cron"));
    m.put("svc disable", List.of("svc", "disable", "cron"));
    m.put("time sync", List.of("time", "sync"));
    m.put("time set", List.of("time", "set"));
    m.put("passwd", List.of("passwd", "app"));
    m.put("net apply", List.of("net", "apply", netplan.toString()));
    m.put("clipboard set", List.of("clipboard", "set", "hi"));
    m.put("clipboard get", List.of("clipboard", "get"));
    m.put("display resize", List.of("display", "resize", "1024x768"));
    m.put("update", List.of("update", local.toString(), "--version", "0.2.0"));
    m.put("call", List.of("call", "list_services", "{\"filter\": \"ssh\"}"));
    m.put("reboot", List.of("reboot"));
    m.put("shutdown", List.of("shutdown"));
    return m;
  }

  @Test
  void everySubcommandIsCovered() throws Exception {
    Set<String> leaves = new TreeSet<>();
    leaves(Agentctl.commandLine(new Console(new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()), false)), "", leaves);
    Set<String> covered = new TreeSet<>(invocations().keySet());
    covered.addAll(NOT_JSON);
    covered.addAll(QGA_PEER);
    assertThat(covered).containsExactlyInAnyOrderElementsOf(leaves);
  }

  @Test
  void everyLineOfEverySubcommandFollowsTheSchema() throws Exception {
    for (Map.Entry<String, List<String>> e : invocations().entrySet()) {
      List<String> args = new ArrayList<>(List.of("--json", "-e", agent.agent().endpoint()));
      args.addAll(e.getValue());
      AgentctlRunner.Run r = AgentctlRunner.runWithInput("pw-from-stdin\n",
          args.toArray(new String[0]));
      assertThat(r.exitCode()).as("%s: %s", e.getKey(), r).isZero();
      assertThat(r.outLines()).as(e.getKey()).isNotEmpty();
      for (String line : r.outLines()) {
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        List<String> keys = new ArrayList<>(o.keySet());
        assertThat(keys.subList(0, 3)).as("%s: %s", e.getKey(), line)
            .containsExactly("schemaVersion", "vm", "endpoint");
        assertThat(o.get("schemaVersion").getAsInt()).isEqualTo(Json.SCHEMA_VERSION);
        assertThat(o.get("vm").isJsonNull()).as("%s: vm in %s", e.getKey(), line).isFalse();
        assertThat(o.get("endpoint").getAsString()).as(e.getKey()).startsWith("unix:");
        checkNames(e.getKey(), "", o);
      }
    }
  }

  @Test
  void errorLinesFollowTheSchemaToo() {
    AgentctlRunner.Run r = AgentctlRunner.run("--json", "-e", agent.agent().endpoint(), "stat",
        "/no/such");
    assertThat(r.exitCode()).isEqualTo(5);
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertThat(new ArrayList<>(o.keySet())).containsExactly("schemaVersion", "vm", "endpoint",
        "error");
    assertThat(o.getAsJsonObject("error").keySet()).contains("exitCode", "message", "code");
  }

  /** Durations end in Millis or Micros, sizes in Bytes, at every depth. */
  private static void checkNames(String command, String path, JsonObject o) {
    for (Map.Entry<String, JsonElement> f : o.entrySet()) {
      String key = f.getKey();
      String lower = key.toLowerCase(Locale.ROOT);
      JsonElement v = f.getValue();
      if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber() && !lower.endsWith("percent")
          && !lower.endsWith("count") && !key.equals("schemaVersion")) {
        if (DURATION.matcher(lower).matches()) {
          assertThat(key).as("%s: duration %s%s", command, path, key).matches(".*(Millis|Micros)");
        }
        if (SIZE.matcher(lower).matches()) {
          assertThat(key).as("%s: size %s%s", command, path, key).matches("(.*Bytes|bytes)");
        }
      }
      if (v.isJsonObject()) {
        checkNames(command, path + key + ".", v.getAsJsonObject());
      } else if (v.isJsonArray()) {
        for (JsonElement item : v.getAsJsonArray()) {
          if (item.isJsonObject()) {
            checkNames(command, path + key + "[].", item.getAsJsonObject());
          }
        }
      }
    }
  }

  private static void leaves(CommandLine cl, String prefix, Set<String> out) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      String path = prefix + e.getKey();
      if (e.getValue().getSubcommands().isEmpty()) {
        out.add(path);
      } else {
        leaves(e.getValue(), path + " ", out);
      }
    }
  }
}
