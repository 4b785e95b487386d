package io.quantix.agent.policy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.policy.AgentPolicy;
import io.quantix.agent.policy.OperationClass;
import io.quantix.agent.policy.RateLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads policy files (YAML, or JSON by extension) into {@link AgentPolicy}. Unknown keys are
 * errors, not silently ignored: a misspelt {@code blok:} must not leave a guest unprotected.
 */
public final class PolicyFiles {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new JsonMapper();
  private static final Set<String> TOP = Set.of("operations", "commands", "paths",
      "maxTransferBytes", "maxExecTimeout", "rateLimits", "audit", "vms");

  private PolicyFiles() {}

  /** Loads {@code file}: JSON when it ends in {@code .json}, YAML otherwise. */
  public static AgentPolicy load(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    JsonNode root = (name.endsWith(".json") ? JSON : YAML).readTree(Files.readString(file));
    try {
      return policy(root, true);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses YAML (or JSON) text. */
  public static AgentPolicy parse(String text) {
    try {
      return policy(YAML.readTree(text), true);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("policy text is not YAML or JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  private static AgentPolicy policy(JsonNode root, boolean top) {
    AgentPolicy.Builder b = AgentPolicy.builder();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return b.build();
    }
    object(root, "policy");
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (!TOP.contains(key) || key.equals("vms") && !top) {
        throw new IllegalArgumentException("unknown key '" + key + "'"
            + (top ? "" : " in a vms entry") + "; expected one of " + TOP);
      }
      switch (key) {
        case "operations":
          keys(v, "operations", "allow", "deny");
          if (v.has("allow")) {
            b.allowOperations(operations(v.get("allow")));
          }
          if (v.has("deny")) {
            b.denyOperations(operations(v.get("deny")));
          }
          break;
        case "commands":
          keys(v, "commands", "allow", "block", "shell");
          if (v.has("allow")) {
            b.allowCommands(strings(v.get("allow"), "commands.allow"));
          }
          if (v.has("block")) {
            b.blockCommands(strings(v.get("block"), "commands.block"));
          }
          if (v.has("shell")) {
            b.allowShell(flag(v.get("shell"), "commands.shell", "allow", "deny"));
          }
          break;
        case "paths":
          keys(v, "paths", "read", "write", "delete", "list");
          if (v.has("read")) {
            b.readPaths(strings(v.get("read"), "paths.read"));
          }
          if (v.has("write")) {
            b.writePaths(strings(v.get("write"), "paths.write"));
          }
          if (v.has("delete")) {
            b.deletePaths(strings(v.get("delete"), "paths.delete"));
          }
          if (v.has("list")) {
            b.listPaths(strings(v.get("list"), "paths.list"));
          }
          break;
        case "maxTransferBytes":
          b.maxTransferBytes(v.isNumber() ? v.asLong() : Units.size(v.asText()));
          break;
        case "maxExecTimeout":
          b.maxExecTimeout(Units.duration(v.asText()));
          break;
        case "rateLimits":
          object(v, "rateLimits");
          for (Iterator<Map.Entry<String, JsonNode>> r = v.fields(); r.hasNext(); ) {
            Map.Entry<String, JsonNode> limit = r.next();
            OperationClass c;
            try {
              c = OperationClass.valueOf(limit.getKey().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException bad) {
              throw new IllegalArgumentException("rateLimits: unknown class '" + limit.getKey()
                  + "'; expected all, exec, file, power, admin, info", bad);
            }
            b.rateLimit(c, RateLimit.parse(limit.getValue().asText()));
          }
          break;
        case "audit":
          keys(v, "audit", "failClosed");
          if (v.has("failClosed")) {
            b.auditFailClosed(flag(v.get("failClosed"), "audit.failClosed", "true", "false"));
          }
          break;
        default:  // vms
          object(v, "vms");
          for (Iterator<Map.Entry<String, JsonNode>> r = v.fields(); r.hasNext(); ) {
            Map.Entry<String, JsonNode> vm = r.next();
            try {
              b.vm(vm.getKey(), policy(vm.getValue(), false));
            } catch (IllegalArgumentException bad) {
              throw new IllegalArgumentException("vms." + vm.getKey() + ": " + bad.getMessage(),
                  bad);
            }
          }
          break;
      }
    }
    return b.build();
  }

  private static void object(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + " must be a mapping");
    }
  }

  private static void keys(JsonNode node, String where, String... allowed) {
    object(node, where);
    List<String> ok = List.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!ok.contains(k)) {
        throw new IllegalArgumentException("unknown key '" + where + "." + k + "'; expected "
            + ok);
      }
    }
  }

  private static String[] strings(JsonNode node, String where) {
    if (!node.isArray()) {
      throw new IllegalArgumentException(where + " must be a list");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isValueNode()) {
        throw new IllegalArgumentException(where + " must be a list of strings");
      }
      out.add(n.asText());
    }
    return out.toArray(new String[0]);
  }

  private static GuestOperation[] operations(JsonNode node) {
    String[] names = strings(node, "operations");
    GuestOperation[] ops = new GuestOperation[names.length];
    for (int i = 0; i < names.length; i++) {
      ops[i] = GuestOperation.byName(names[i]);
    }
    return ops;
  }

  private static boolean flag(JsonNode node, String where, String yes, String no) {
    String t = node.asText().toLowerCase(Locale.ROOT);
    if (t.equals(yes) || t.equals("true")) {
      return true;
    }
    if (t.equals(no) || t.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException(where + " must be " + yes + " or " + no + ", was " + t);
  }
}
