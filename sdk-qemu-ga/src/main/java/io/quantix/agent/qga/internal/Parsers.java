package io.quantix.agent.qga.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantix.agent.AgentException;
import io.quantix.agent.qga.QgaFilesystem;
import io.quantix.agent.qga.QgaInfo;
import io.quantix.agent.qga.QgaInterface;
import io.quantix.agent.qga.QgaOsInfo;
import io.quantix.agent.qga.QgaTimezone;
import io.quantix.agent.qga.QgaUser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** QGA return values to the SDK's immutable types; a missing required field is PROTOCOL. */
public final class Parsers {
  private Parsers() {}

  /** guest-info. */
  public static QgaInfo info(JsonNode v) {
    List<QgaInfo.Command> commands = new ArrayList<>();
    for (JsonNode c : v.path("supported_commands")) {
      commands.add(new QgaInfo.Command(required(c, "name", "guest-info").asText(),
          c.path("enabled").asBoolean(false), c.path("success-response").asBoolean(true)));
    }
    return new QgaInfo(required(v, "version", "guest-info").asText(), commands);
  }

  /** guest-get-osinfo. */
  public static QgaOsInfo osInfo(JsonNode v) {
    return new QgaOsInfo(text(v, "kernel-release"), text(v, "kernel-version"),
        text(v, "machine"), text(v, "id"), text(v, "name"), text(v, "pretty-name"),
        text(v, "version"), text(v, "version-id"));
  }

  /** guest-get-host-name. */
  public static String hostName(JsonNode v) {
    return required(v, "host-name", "guest-get-host-name").asText();
  }

  /** guest-get-timezone. */
  public static QgaTimezone timezone(JsonNode v) {
    return new QgaTimezone(text(v, "zone"), required(v, "offset", "guest-get-timezone").asInt());
  }

  /** guest-get-users. */
  public static List<QgaUser> users(JsonNode v) {
    List<QgaUser> users = new ArrayList<>();
    for (JsonNode u : v) {
      double seconds = u.path("login-time").asDouble(0);
      long nanos = Math.round(seconds * 1e9);
      users.add(new QgaUser(required(u, "user", "guest-get-users").asText(),
          Instant.ofEpochSecond(0, nanos), text(u, "domain")));
    }
    return List.copyOf(users);
  }

  /** guest-network-get-interfaces. */
  public static List<QgaInterface> interfaces(JsonNode v) {
    List<QgaInterface> nics = new ArrayList<>();
    for (JsonNode n : v) {
      List<QgaInterface.Address> addresses = new ArrayList<>();
      for (JsonNode a : n.path("ip-addresses")) {
        addresses.add(new QgaInterface.Address(
            required(a, "ip-address", "guest-network-get-interfaces").asText(),
            "ipv6".equals(a.path("ip-address-type").asText()), a.path("prefix").asInt()));
      }
      nics.add(new QgaInterface(required(n, "name", "guest-network-get-interfaces").asText(),
          text(n, "hardware-address"), addresses));
    }
    return List.copyOf(nics);
  }

  /** guest-get-fsinfo. */
  public static List<QgaFilesystem> filesystems(JsonNode v) {
    List<QgaFilesystem> all = new ArrayList<>();
    for (JsonNode f : v) {
      List<QgaFilesystem.Disk> disks = new ArrayList<>();
      for (JsonNode d : f.path("disk")) {
        disks.add(new QgaFilesystem.Disk(d.path("bus-type").asText(""), d.path("bus").asInt(),
            d.path("target").asInt(), d.path("unit").asInt(), text(d, "serial"), text(d, "dev")));
      }
      all.add(new QgaFilesystem(required(f, "name", "guest-get-fsinfo").asText(),
          required(f, "mountpoint", "guest-get-fsinfo").asText(), f.path("type").asText(""),
          f.path("used-bytes").asLong(-1), f.path("total-bytes").asLong(-1), disks));
    }
    return List.copyOf(all);
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The field, or PROTOCOL naming the command and the field. */
  public static JsonNode required(JsonNode node, String field, String command) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw AgentException.of(AgentException.Code.PROTOCOL,
          command + ": qemu-ga's reply lacks '" + field + "'").withMayHaveRun(true);
    }
    return v;
  }
}
