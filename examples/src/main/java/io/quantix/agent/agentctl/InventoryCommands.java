package io.quantix.agent.agentctl;

import io.quantix.agent.client.GuestInventory;
import io.quantix.agent.client.HardwareInfo;
import io.quantix.agent.client.InstalledSoftware;
import io.quantix.agent.client.SoftwareList;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentctl hw} and {@code agentctl sw}: the guest's hardware and installed software. */
final class InventoryCommands {
  private InventoryCommands() {}

  /** {@code agentctl hw}. */
  @Command(name = "hw", description = {"The guest's hardware inventory.",
      "CPU, memory, disks and partitions, network adapters, BIOS/system, OS and GPUs as the "
          + "guest sees them. With --json, one object."})
  static final class Hardware extends AgentCommand {
    @Override
    int run(Target target) throws Exception {
      HardwareInfo h = Target.await(target.client().inventory().hardware());
      if (json()) {
        emitJson(InventoryViews.hardware(h));
        return ExitCodes.OK;
      }
      PrintWriter out = out();
      HardwareInfo.Cpu c = h.cpu();
      if (c != null) {
        out.printf("cpu       %s (%s), %d sockets, %d cores, %d threads%n", c.model(),
            c.architecture(), c.sockets(), c.cores(), c.threads());
      }
      if (h.memory() != null) {
        out.println("memory    " + Format.bytes(h.memory().totalBytes()) + " ("
            + Format.bytes(h.memory().availableBytes()) + " available)");
      }
      if (h.os() != null) {
        out.println("os        " + (h.os().name() + " " + h.os().version()).strip()
            + ", kernel " + h.os().kernel());
      }
      if (h.bios() != null) {
        out.println("system    " + (h.bios().systemManufacturer() + " "
            + h.bios().systemProduct()).strip() + ", BIOS " + h.bios().vendor() + " "
            + h.bios().version());
      }
      Table disks = new Table("DISK", "MODEL", "SIZE", "TYPE", "PARTITIONS").alignRight(2);
      for (HardwareInfo.Disk d : h.disks()) {
        StringBuilder parts = new StringBuilder();
        for (HardwareInfo.Partition p : d.partitions()) {
          parts.append(parts.length() == 0 ? "" : ", ").append(p.device())
              .append(p.mountPoint().isEmpty() ? "" : " on " + p.mountPoint());
        }
        disks.row(d.device(), d.model(), Format.bytes(d.sizeBytes()), d.diskType(), parts);
      }
      out.println();
      disks.print(out);
      Table nics = new Table("NIC", "MAC", "TYPE", "SPEED", "DRIVER");
      for (HardwareInfo.NetworkAdapter n : h.networkAdapters()) {
        nics.row(n.name(), n.macAddress(), n.adapterType(),
            n.speedMbps() > 0 ? n.speedMbps() + " Mb/s" : "-", n.driver());
      }
      out.println();
      nics.print(out);
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code agentctl sw [--filter TEXT]}. */
  @Command(name = "sw", description = {"The guest's installed software.",
      "Packages the guest's package manager knows (name, version, type, size), optionally "
          + "filtered by name. With --json, one object per package, then a summary line."})
  static final class Software extends AgentCommand {
    @Option(names = "--filter", paramLabel = "TEXT",
        description = "only packages whose name contains TEXT")
    String filter = "";

    @Option(names = "--max", paramLabel = "N",
        description = "at most N packages (default ${DEFAULT-VALUE})")
    int max = GuestInventory.DEFAULT_MAX_SOFTWARE;

    @Override
    void check() {
      if (max < 1) {
        throw CliError.usage("--max must be at least 1");
      }
    }

    @Override
    int run(Target target) throws Exception {
      SoftwareList list = Target.await(target.client().inventory().software(filter, max));
      PrintWriter out = out();
      if (json()) {
        for (InstalledSoftware s : list.items()) {
          out.println(line(InventoryViews.software(s)));
        }
        out.println(line(Json.obj().put("summary", true).put("count", list.items().size())
            .put("totalCount", list.totalCount()).put("truncated", list.truncated())));
      } else {
        Table t = new Table("NAME", "VERSION", "TYPE", "ARCH", "SIZE").alignRight(4);
        for (InstalledSoftware s : list.items()) {
          t.row(s.name(), s.version(), s.packageType(), s.architecture(),
              s.sizeBytes() > 0 ? Format.bytes(s.sizeBytes()) : "-");
        }
        t.print(out);
        out.println(list.items().size() + " package(s)" + (list.truncated()
            ? " of " + list.totalCount() + " (raise --max for more)" : ""));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
