package io.quantix.agent.agentctl;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.Capabilities;
import io.quantix.agent.client.HardwareInfo;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.proto.DiskUsage;
import io.quantix.agent.proto.InterfaceInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;

/**
 * {@code agentctl guestinfo}: everything the agent tells about the guest in one view, in the
 * spirit of {@code virsh guestinfo}: AgentReady, capabilities, the hardware inventory's OS part and
 * the latest telemetry (file systems, interfaces, memory, load).
 */
@Command(name = "guestinfo", description = {"One summary of the guest, like virsh guestinfo.",
    "OS, kernel, host name, file systems and disk use, interfaces and addresses, memory, load, "
        + "agent version and capabilities, telemetry age. Users and time zone are not in the "
        + "agent's protocol: shown as unknown. With --json, one object."})
final class GuestinfoCommand extends AgentCommand {
  /** How long to wait for the first telemetry report (real agents send one at once). */
  private static final Duration TELEMETRY_WAIT = Duration.ofSeconds(3);

  @Override
  int run(Target target) throws Exception {
    AgentInfo info = target.agentInfo();
    CompletableFuture<Capabilities> caps = target.client().capabilities();
    CompletableFuture<HardwareInfo> hw = target.client().inventory().hardware(false, false, false);
    Telemetry t = GuestinfoView.telemetry(target, TELEMETRY_WAIT);
    Capabilities c = optional(caps);
    HardwareInfo h = optional(hw);
    GuestinfoView view = new GuestinfoView(info, c, h, t);
    if (json()) {
      emitJson(view.json());
    } else {
      PrintWriter out = out();
      view.print(out, target.vmId(), target.endpoint());
      out.flush();
    }
    return ExitCodes.OK;
  }

  /** A part the agent may not offer (older agents, other OSes): null when it says no. */
  private static <T> T optional(CompletableFuture<T> f)
      throws InterruptedException, ExecutionException {
    try {
      return Target.await(f);
    } catch (ExecutionException e) {
      Throwable cause = Failures.unwrap(e);
      if (cause instanceof AgentException a && (a.code() == AgentException.Code.NOT_SUPPORTED
          || a.code() == AgentException.Code.REMOTE_FAILURE)) {
        return null;
      }
      throw e;
    }
  }

  /** The collected parts, as text and JSON. */
  record GuestinfoView(AgentInfo info, Capabilities caps, HardwareInfo hw, Telemetry telemetry) {
    static Telemetry telemetry(Target target, Duration wait) throws InterruptedException {
      Optional<Telemetry> now = target.plainClient().latestTelemetry();
      if (now.isPresent()) {
        return now.get();
      }
      CompletableFuture<Telemetry> first = new CompletableFuture<>();
      try (var s = target.plainClient().onTelemetry(first::complete)) {
        target.plainClient().latestTelemetry().ifPresent(first::complete);
        return first.get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        return null;
      }
    }

    Json.Obj json() {
      HardwareInfo.Os os = hw == null ? null : hw.os();
      List<Json.Obj> fs = new ArrayList<>();
      List<Json.Obj> nics = new ArrayList<>();
      if (telemetry != null) {
        for (DiskUsage d : telemetry.report().getDisksList()) {
          fs.add(Json.obj().put("mountPoint", d.getMountPoint()).put("filesystem", d.getFilesystem())
              .put("device", d.getDevice()).put("totalBytes", d.getTotalBytes())
              .put("usedBytes", d.getUsedBytes()).put("availableBytes", d.getAvailableBytes())
              .put("usagePercent", d.getUsagePercent()));
        }
        for (InterfaceInfo i : telemetry.report().getInterfacesList()) {
          nics.add(Json.obj().put("name", i.getName()).put("macAddress", i.getMacAddress())
              .put("ipv4Addresses", i.getIpv4AddressesList())
              .put("ipv6Addresses", i.getIpv6AddressesList()).put("state", i.getState().name())
              .put("mtu", i.getMtu()).put("rxBytes", i.getRxBytes()).put("txBytes", i.getTxBytes()));
        }
      }
      return Json.obj()
          .put("hostname", info.hostname())
          .put("os", Json.obj().put("name", info.osName()).put("version", info.osVersion())
              .put("kernel", info.kernelVersion()).put("architecture", info.architecture())
              .put("domain", os == null ? null : os.domain())
              .put("lastBoot", os == null ? null : os.lastBoot()))
          .put("timezone", null).put("users", null)
          .put("uptimeMillis", telemetry == null ? null : telemetry.guestUptime())
          .put("ipAddresses", info.ipAddresses())
          .put("filesystems", telemetry == null ? null : fs)
          .put("interfaces", telemetry == null ? null : nics)
          .put("memoryTotalBytes", telemetry == null ? null
              : telemetry.report().getMemoryTotalBytes())
          .put("memoryUsedBytes", telemetry == null ? null
              : telemetry.report().getMemoryUsedBytes())
          .put("loadAvg", telemetry == null ? null : List.of(telemetry.report().getLoadAvg1(),
              telemetry.report().getLoadAvg5(), telemetry.report().getLoadAvg15()))
          .put("agent", Json.obj().put("version", info.version())
              .put("capabilities", new TreeSet<>(caps != null ? caps.capabilities()
                  : info.capabilities()))
              .put("features", caps == null ? null : new java.util.TreeMap<>(caps.features()))
              .put("buildTime", caps == null ? null : caps.buildTime())
              .put("buildCommit", caps == null ? null : caps.buildCommit()))
          .put("telemetryAgeMillis", telemetry == null ? null : telemetry.age());
    }

    void print(PrintWriter out, String vm, String endpoint) {
      HardwareInfo.Os os = hw == null ? null : hw.os();
      row(out, "vm", vm + " (" + endpoint + ")");
      row(out, "hostname", info.hostname() + (os == null || os.domain().isEmpty() ? ""
          : " (domain " + os.domain() + ")"));
      row(out, "os", (info.osName() + " " + info.osVersion()).strip());
      row(out, "kernel", info.kernelVersion() + " (" + info.architecture() + ")");
      row(out, "timezone", "unknown (not in the agent protocol)");
      row(out, "users", "unknown (not in the agent protocol)");
      row(out, "uptime", telemetry == null ? "-" : Format.duration(telemetry.guestUptime()));
      row(out, "memory", telemetry == null ? "-" : Views.memory(telemetry));
      row(out, "addresses", info.ipAddresses().isEmpty() ? "-" : String.join(", ",
          info.ipAddresses()));
      row(out, "agent", info.version() + (caps == null || caps.buildCommit().isEmpty() ? ""
          : " (" + caps.buildCommit() + ")"));
      row(out, "capabilities", String.join(" ", new TreeSet<>(caps != null ? caps.capabilities()
          : info.capabilities())));
      row(out, "telemetry", telemetry == null ? "none received"
          : Format.duration(telemetry.age()) + " ago");
      if (telemetry == null) {
        return;
      }
      Table fs = new Table("FILESYSTEM", "TYPE", "SIZE", "USED", "USE%", "MOUNTED ON")
          .alignRight(2).alignRight(3).alignRight(4);
      for (DiskUsage d : telemetry.report().getDisksList()) {
        fs.row(d.getDevice(), d.getFilesystem(), Format.bytes(d.getTotalBytes()),
            Format.bytes(d.getUsedBytes()), Math.round(d.getUsagePercent()) + "%",
            d.getMountPoint());
      }
      out.println();
      fs.print(out);
      Table nics = new Table("INTERFACE", "STATE", "MAC", "ADDRESSES");
      for (InterfaceInfo i : telemetry.report().getInterfacesList()) {
        List<String> addrs = new ArrayList<>(i.getIpv4AddressesList());
        addrs.addAll(i.getIpv6AddressesList());
        nics.row(i.getName(), i.getState().name().replace("INTERFACE_STATE_", ""),
            i.getMacAddress(), addrs.isEmpty() ? "-" : String.join(", ", addrs));
      }
      out.println();
      nics.print(out);
    }

    private static void row(PrintWriter out, String key, String value) {
      out.printf("%-14s%s%n", key, value);
    }
  }
}
