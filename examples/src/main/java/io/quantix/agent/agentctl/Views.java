package io.quantix.agent.agentctl;

import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.proto.DiskUsage;
import io.quantix.agent.proto.TelemetryReport;
import io.quantix.agent.client.AgentStatus;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** How telemetry reports and statuses look, as text and as JSON; shared by several commands. */
final class Views {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Views() {}

  /** One line per telemetry report, for people. */
  static String telemetryLine(String vm, Telemetry t) {
    TelemetryReport r = t.report();
    StringBuilder sb = new StringBuilder()
        .append(LocalTime.ofInstant(t.receivedAt(), ZoneId.systemDefault()).format(CLOCK))
        .append("  ").append(vm)
        .append(t.hostname().isEmpty() || t.hostname().equals(vm) ? "" : " (" + t.hostname() + ")")
        .append(String.format(Locale.ROOT, "  cpu %.1f%%", r.getCpuUsagePercent()))
        .append("  mem ").append(memory(t))
        .append(String.format(Locale.ROOT, "  load %.2f %.2f %.2f", r.getLoadAvg1(),
            r.getLoadAvg5(), r.getLoadAvg15()))
        .append("  procs ").append(r.getProcessCount());
    for (DiskUsage d : r.getDisksList()) {
      sb.append(String.format(Locale.ROOT, "  %s %.0f%%", d.getMountPoint(), d.getUsagePercent()));
    }
    return sb.append("  up ").append(Format.duration(t.guestUptime())).toString();
  }

  /** {@code 1.2 GiB/3.8 GiB (31%)}, or {@code -} without totals. */
  static String memory(Telemetry t) {
    TelemetryReport r = t.report();
    if (r.getMemoryTotalBytes() == 0) {
      return "-";
    }
    return Format.bytes(r.getMemoryUsedBytes()) + "/" + Format.bytes(r.getMemoryTotalBytes())
        + " (" + t.memoryUsedPercent() + "%)";
  }

  /** A telemetry report as JSON. */
  static Json.Obj telemetryJson(String vm, Telemetry t) {
    TelemetryReport r = t.report();
    List<Json.Obj> disks = new ArrayList<>();
    for (DiskUsage d : r.getDisksList()) {
      disks.add(Json.obj().put("mountPoint", d.getMountPoint()).put("filesystem", d.getFilesystem())
          .put("totalBytes", d.getTotalBytes()).put("usedBytes", d.getUsedBytes())
          .put("usagePercent", d.getUsagePercent()));
    }
    return Json.obj().put("event", "telemetry").put("vm", vm).put("receivedAt", t.receivedAt())
        .put("hostname", t.hostname()).put("cpuUsagePercent", r.getCpuUsagePercent())
        .put("memoryTotalBytes", r.getMemoryTotalBytes())
        .put("memoryUsedBytes", r.getMemoryUsedBytes())
        .put("memoryUsedPercent", t.memoryUsedPercent())
        .put("loadAvg", List.of(r.getLoadAvg1(), r.getLoadAvg5(), r.getLoadAvg15()))
        .put("processCount", r.getProcessCount()).put("uptimeMillis", r.getUptimeSeconds() * 1000)
        .put("disks", disks);
  }

  /** The status table: one row per VM. */
  static Table statusTable(Collection<AgentStatus> statuses) {
    Table table = new Table("VM", "STATE", "AGENT", "HOSTNAME", "IPS", "MEMORY", "TELEMETRY",
        "DETAIL");
    for (AgentStatus s : statuses) {
      AgentInfo info = s.info();
      Telemetry t = s.lastTelemetry();
      table.row(s.vmId(), s.state(), info == null ? null : info.version(),
          info == null || info.hostname().isEmpty() ? null : info.hostname(),
          info == null || info.ipAddresses().isEmpty() ? null
              : String.join(",", info.ipAddresses()),
          t == null ? null : memory(t),
          t == null ? null : Format.duration(t.age()) + " ago",
          s.isConnected() ? "" : detail(s));
    }
    return table;
  }

  /** The status detail without the classification and endpoint the columns already show. */
  static String detail(AgentStatus s) {
    String d = s.detail() == null ? "" : s.detail();
    if (s.failure() != null) {
      String prefix = s.failure().name() + " " + s.endpoint() + ": ";
      if (d.startsWith(prefix)) {
        return d.substring(prefix.length());
      }
      if (d.startsWith(s.failure().name() + " ")) {
        int colon = d.indexOf(": ");
        return colon > 0 ? d.substring(colon + 2) : d;
      }
    }
    return d;
  }

  /** One VM's status as JSON. */
  static Json.Obj statusJson(AgentStatus s) {
    AgentInfo info = s.info();
    Telemetry t = s.lastTelemetry();
    return Json.obj().put("vm", s.vmId()).put("state", s.state().name())
        .put("since", s.since()).put("failure", s.failure() == null ? null : s.failure().name())
        .put("detail", s.detail()).put("endpoint", s.endpoint())
        .put("agentVersion", info == null ? null : info.version())
        .put("hostname", info == null ? null : info.hostname())
        .put("ipAddresses", info == null ? List.of() : info.ipAddresses())
        .put("memoryUsedBytes", t == null ? null : t.report().getMemoryUsedBytes())
        .put("memoryTotalBytes", t == null ? null : t.report().getMemoryTotalBytes())
        .put("memoryUsedPercent", t == null ? null : t.memoryUsedPercent())
        .put("telemetryAgeMillis", t == null ? null : t.age());
  }
}
