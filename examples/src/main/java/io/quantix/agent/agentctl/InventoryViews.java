package io.quantix.agent.agentctl;

import io.quantix.agent.client.HardwareInfo;
import io.quantix.agent.client.InstalledSoftware;
import java.util.ArrayList;
import java.util.List;

/** Hardware and software inventories as JSON (sizes in bytes, as the SDK reports them). */
final class InventoryViews {
  private InventoryViews() {}

  static Json.Obj hardware(HardwareInfo h) {
    HardwareInfo.Cpu c = h.cpu();
    HardwareInfo.Memory m = h.memory();
    HardwareInfo.Bios b = h.bios();
    HardwareInfo.Os o = h.os();
    List<Json.Obj> disks = new ArrayList<>();
    for (HardwareInfo.Disk d : h.disks()) {
      List<Json.Obj> parts = new ArrayList<>();
      for (HardwareInfo.Partition p : d.partitions()) {
        parts.add(Json.obj().put("device", p.device()).put("mountPoint", p.mountPoint())
            .put("filesystem", p.filesystem()).put("sizeBytes", p.sizeBytes())
            .put("usedBytes", p.usedBytes()).put("label", p.label()));
      }
      disks.add(Json.obj().put("device", d.device()).put("model", d.model())
          .put("serial", d.serial()).put("sizeBytes", d.sizeBytes()).put("diskType", d.diskType())
          .put("interfaceType", d.interfaceType()).put("virtual", d.virtual())
          .put("partitions", parts));
    }
    List<Json.Obj> nics = new ArrayList<>();
    for (HardwareInfo.NetworkAdapter n : h.networkAdapters()) {
      nics.add(Json.obj().put("name", n.name()).put("macAddress", n.macAddress())
          .put("adapterType", n.adapterType()).put("speedMbps", n.speedMbps())
          .put("virtual", n.virtual()).put("driver", n.driver()).put("pciAddress", n.pciAddress()));
    }
    List<Json.Obj> gpus = new ArrayList<>();
    for (HardwareInfo.Gpu g : h.gpus()) {
      gpus.add(Json.obj().put("name", g.name()).put("vendor", g.vendor())
          .put("driverVersion", g.driverVersion()).put("vramBytes", g.vramBytes())
          .put("pciAddress", g.pciAddress()));
    }
    return Json.obj()
        .put("cpu", c == null ? null : Json.obj().put("model", c.model()).put("vendor", c.vendor())
            .put("architecture", c.architecture()).put("cores", c.cores())
            .put("threads", c.threads()).put("sockets", c.sockets())
            .put("frequencyMhz", c.frequencyMhz()).put("l1CacheBytes", c.l1CacheBytes())
            .put("l2CacheBytes", c.l2CacheBytes()).put("l3CacheBytes", c.l3CacheBytes())
            .put("flags", c.flags()))
        .put("memory", m == null ? null : Json.obj().put("totalBytes", m.totalBytes())
            .put("availableBytes", m.availableBytes()).put("type", m.type())
            .put("speedMhz", m.speedMhz()).put("dimmCount", m.dimmCount()))
        .put("disks", disks).put("networkAdapters", nics)
        .put("bios", b == null ? null : Json.obj().put("vendor", b.vendor())
            .put("version", b.version()).put("releaseDate", b.releaseDate())
            .put("systemManufacturer", b.systemManufacturer())
            .put("systemProduct", b.systemProduct()).put("systemSerial", b.systemSerial())
            .put("systemUuid", b.systemUuid()))
        .put("os", os(o))
        .put("gpus", gpus);
  }

  static Json.Obj os(HardwareInfo.Os o) {
    return o == null ? null : Json.obj().put("name", o.name()).put("version", o.version())
        .put("build", o.build()).put("kernel", o.kernel()).put("architecture", o.architecture())
        .put("installDate", o.installDate()).put("lastBoot", o.lastBoot())
        .put("hostname", o.hostname()).put("domain", o.domain());
  }

  static Json.Obj software(InstalledSoftware s) {
    return Json.obj().put("name", s.name()).put("version", s.version())
        .put("publisher", s.publisher()).put("installDate", s.installDate())
        .put("sizeBytes", s.sizeBytes()).put("packageType", s.packageType())
        .put("architecture", s.architecture());
  }
}
