package io.quantix.agent.qga.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The fake's built-in commands: real processes and files of this machine, canned system data. */
final class FakeCommands {
  static final JsonNode NO_REPLY = JsonNodeFactory.instance.textNode("no reply");
  static final Set<String> FROZEN_OK = Set.of("guest-ping", "guest-info", "guest-sync",
      "guest-sync-delimited", "guest-fsfreeze-status", "guest-fsfreeze-thaw");
  static final List<String> COMMANDS = List.of("guest-sync-delimited", "guest-sync",
      "guest-ping", "guest-info", "guest-get-osinfo", "guest-get-host-name",
      "guest-get-timezone", "guest-get-users", "guest-network-get-interfaces",
      "guest-get-fsinfo", "guest-get-time", "guest-set-time", "guest-set-user-password",
      "guest-exec", "guest-exec-status", "guest-file-open", "guest-file-read",
      "guest-file-write", "guest-file-close", "guest-fsfreeze-status", "guest-fsfreeze-freeze",
      "guest-fsfreeze-freeze-list", "guest-fsfreeze-thaw", "guest-shutdown");

  /** A GenericError reply. */
  static final class GuestError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GuestError(String message) {
      super(message);
    }
  }

  private final FakeQemuGa owner;
  private final Map<Long, RandomAccessFile> files = new ConcurrentHashMap<>();
  private final Map<Long, Process> processes = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(1000);
  volatile boolean frozen;
  volatile String lastPasswordB64;
  volatile String lastShutdownMode;
  volatile long lastSetTime = -1;

  FakeCommands(FakeQemuGa owner) {
    this.owner = owner;
  }

  /** Handles open now. */
  int openHandles() {
    return files.size();
  }

  JsonNode run(String name, JsonNode a) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (name) {
      case "guest-ping":
        return f.objectNode();
      case "guest-info": {
        ObjectNode info = f.objectNode().put("version", "7.2.22-fake");
        ArrayNode list = info.putArray("supported_commands");
        for (String c : COMMANDS) {
          boolean enabled = !owner.blocked.contains(c) && (!frozen || FROZEN_OK.contains(c));
          list.addObject().put("name", c).put("enabled", enabled)
              .put("success-response", !c.equals("guest-shutdown"));
        }
        return info;
      }
      case "guest-get-osinfo":
        return f.objectNode().put("kernel-release", "6.1.0-fake").put("machine", "x86_64")
            .put("id", "debian").put("name", "Debian GNU/Linux")
            .put("pretty-name", "Debian GNU/Linux 12 (bookworm)").put("version-id", "12");
      case "guest-get-host-name":
        return f.objectNode().put("host-name", "fake-guest");
      case "guest-get-timezone":
        return f.objectNode().put("zone", "UTC").put("offset", 0);
      case "guest-get-users": {
        ArrayNode users = f.arrayNode();
        users.addObject().put("user", "root").put("login-time", 1.7e9);
        return users;
      }
      case "guest-network-get-interfaces": {
        ArrayNode nics = f.arrayNode();
        ObjectNode lo = nics.addObject().put("name", "lo").put("hardware-address", "00:00:00:00:00:00");
        lo.putArray("ip-addresses").addObject().put("ip-address", "127.0.0.1")
            .put("ip-address-type", "ipv4").put("prefix", 8);
        return nics;
      }
      case "guest-get-fsinfo": {
        ArrayNode all = f.arrayNode();
        ObjectNode root = all.addObject().put("name", "vda1").put("mountpoint", "/")
            .put("type", "ext4").put("used-bytes", 1L << 30).put("total-bytes", 10L << 30);
        root.putArray("disk").addObject().put("bus-type", "virtio").put("bus", 0)
            .put("target", 0).put("unit", 0).put("dev", "/dev/vda");
        return all;
      }
      case "guest-get-time":
        return f.numberNode(System.currentTimeMillis() * 1_000_000L);
      case "guest-set-time":
        lastSetTime = a.path("time").asLong(-1);
        return f.objectNode();
      case "guest-set-user-password":
        lastPasswordB64 = a.path("password").asText();
        return f.objectNode();
      case "guest-shutdown":
        lastShutdownMode = a.path("mode").asText("powerdown");
        return NO_REPLY;
      case "guest-fsfreeze-status":
        return f.textNode(frozen ? "frozen" : "thawed");
      case "guest-fsfreeze-freeze":
      case "guest-fsfreeze-freeze-list":
        frozen = true;
        return f.numberNode(1);
      case "guest-fsfreeze-thaw": {
        boolean was = frozen;
        frozen = false;
        return f.numberNode(was ? 1 : 0);
      }
      case "guest-exec":
        return exec(a);
      case "guest-exec-status":
        return execStatus(a.path("pid").asLong());
      default:
        return FakeFiles.run(this, name, a);
    }
  }

  private JsonNode exec(JsonNode a) {
    List<String> argv = new ArrayList<>();
    argv.add(a.path("path").asText());
    a.path("arg").forEach(x -> argv.add(x.asText()));
    ProcessBuilder pb = new ProcessBuilder(argv).directory(Path.of("/").toFile());
    if (a.has("env")) {
      pb.environment().clear();
      a.path("env").forEach(e -> {
        String s = e.asText();
        int eq = s.indexOf('=');
        pb.environment().put(s.substring(0, eq), s.substring(eq + 1));
      });
    }
    try {
      Path out = Files.createTempFile("fake-qga-out", "");
      Path err = Files.createTempFile("fake-qga-err", "");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      byte[] input = a.has("input-data") ? Base64.getDecoder().decode(a.get("input-data").asText())
          : new byte[0];
      p.getOutputStream().write(input);
      p.getOutputStream().close();
      processes.put(p.pid(), p);
      outputs.put(p.pid(), new Path[] {out, err});
      captures.put(p.pid(), a.path("capture-output").asBoolean(false));
      return JsonNodeFactory.instance.objectNode().put("pid", p.pid());
    } catch (IOException e) {
      throw new GuestError("Failed to execute child process \u201c" + argv.get(0) + "\u201d ("
          + e.getMessage() + ")");
    }
  }

  private final Map<Long, Path[]> outputs = new ConcurrentHashMap<>();
  private final Map<Long, Boolean> captures = new ConcurrentHashMap<>();

  private JsonNode execStatus(long pid) {
    Process p = processes.get(pid);
    if (p == null) {
      throw new GuestError("Invalid parameter 'pid'");
    }
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    if (p.isAlive()) {
      return r.put("exited", false);
    }
    processes.remove(pid);
    Path[] io = outputs.remove(pid);
    boolean capture = captures.remove(pid);
    r.put("exited", true).put("exitcode", p.exitValue());
    try {
      if (capture) {
        byte[] out = Files.readAllBytes(io[0]);
        byte[] err = Files.readAllBytes(io[1]);
        if (out.length > 0) {
          r.put("out-data", Base64.getEncoder().encodeToString(out)).put("out-truncated", false);
        }
        if (err.length > 0) {
          r.put("err-data", Base64.getEncoder().encodeToString(err)).put("err-truncated", false);
        }
      }
      Files.deleteIfExists(io[0]);
      Files.deleteIfExists(io[1]);
    } catch (IOException e) {
      throw new GuestError(e.getMessage());
    }
    return r;
  }

  long newHandle(RandomAccessFile file) {
    long h = nextHandle.getAndIncrement();
    files.put(h, file);
    return h;
  }

  RandomAccessFile file(long handle) {
    RandomAccessFile file = files.get(handle);
    if (file == null) {
      throw new GuestError("handle '" + handle + "' has not been found");
    }
    return file;
  }

  RandomAccessFile remove(long handle) {
    RandomAccessFile file = files.remove(handle);
    if (file == null) {
      throw new GuestError("handle '" + handle + "' has not been found");
    }
    return file;
  }

  void close() {
    processes.values().forEach(Process::destroyForcibly);
    for (RandomAccessFile f : files.values()) {
      try {
        f.close();
      } catch (IOException ignored) {
        // test cleanup
      }
    }
    outputs.values().forEach(p -> Arrays.stream(p).forEach(x -> x.toFile().delete()));
  }
}
