package io.quantix.agent.client.internal;

import io.quantix.agent.client.GuestInventory;
import io.quantix.agent.client.HardwareInfo;
import io.quantix.agent.client.InstalledSoftware;
import io.quantix.agent.client.SoftwareList;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.BiosInfo;
import io.quantix.agent.proto.CpuInfo;
import io.quantix.agent.proto.DiskInfo;
import io.quantix.agent.proto.GetHardwareInfoRequest;
import io.quantix.agent.proto.GetHardwareInfoResponse;
import io.quantix.agent.proto.GpuInfo;
import io.quantix.agent.proto.ListInstalledSoftwareRequest;
import io.quantix.agent.proto.ListInstalledSoftwareResponse;
import io.quantix.agent.proto.MemoryInfo;
import io.quantix.agent.proto.NetworkAdapterInfo;
import io.quantix.agent.proto.OsInfo;
import io.quantix.agent.proto.PartitionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link GuestInventory} over one client view. */
final class GuestInventoryImpl implements GuestInventory {
  private final AgentClientImpl client;

  GuestInventoryImpl(AgentClientImpl client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<HardwareInfo> hardware(boolean cpuDetails, boolean diskDetails,
      boolean networkDetails) {
    AgentMessage request = AgentMessage.newBuilder().setGetHardwareInfo(
        GetHardwareInfoRequest.newBuilder().setIncludeCpuDetails(cpuDetails)
            .setIncludeDiskDetails(diskDetails).setIncludeNetworkDetails(networkDetails)).build();
    return client.call(Operation.GET_HARDWARE_INFO, request, reply -> {
      GetHardwareInfoResponse r = reply.getHardwareInfoResponse();
      Replies.requireSuccess("hardware info", r.getSuccess(), r.getError());
      return hardware(r.getHardware());
    });
  }

  static HardwareInfo hardware(io.quantix.agent.proto.HardwareInfo h) {
    CpuInfo c = h.getCpu();
    HardwareInfo.Cpu cpu = new HardwareInfo.Cpu(c.getModel(), c.getVendor(), c.getArchitecture(),
        c.getCores(), c.getThreads(), c.getSockets(), c.getFrequencyMhz(), c.getFlagsList(),
        c.getL1CacheBytes(), c.getL2CacheBytes(), c.getL3CacheBytes());
    MemoryInfo m = h.getMemory();
    HardwareInfo.Memory memory = new HardwareInfo.Memory(m.getTotalBytes(), m.getAvailableBytes(),
        m.getMemoryType(), m.getSpeedMhz(), m.getDimmCount());
    List<HardwareInfo.Disk> disks = new ArrayList<>(h.getDisksCount());
    for (DiskInfo d : h.getDisksList()) {
      List<HardwareInfo.Partition> parts = new ArrayList<>(d.getPartitionsCount());
      for (PartitionInfo p : d.getPartitionsList()) {
        parts.add(new HardwareInfo.Partition(p.getDevice(), p.getMountPoint(), p.getFilesystem(),
            p.getSizeBytes(), p.getUsedBytes(), p.getLabel()));
      }
      disks.add(new HardwareInfo.Disk(d.getDevice(), d.getModel(), d.getSerial(),
          d.getSizeBytes(), d.getDiskType(), d.getInterface(), d.getIsVirtual(), parts));
    }
    List<HardwareInfo.NetworkAdapter> nics = new ArrayList<>(h.getNetworkAdaptersCount());
    for (NetworkAdapterInfo n : h.getNetworkAdaptersList()) {
      nics.add(new HardwareInfo.NetworkAdapter(n.getName(), n.getMacAddress(),
          n.getAdapterType(), n.getSpeedMbps(), n.getIsVirtual(), n.getDriver(),
          n.getPciAddress()));
    }
    BiosInfo b = h.getBios();
    HardwareInfo.Bios bios = new HardwareInfo.Bios(b.getVendor(), b.getVersion(),
        b.getReleaseDate(), b.getSystemManufacturer(), b.getSystemProduct(),
        b.getSystemSerial(), b.getSystemUuid());
    OsInfo o = h.getOs();
    HardwareInfo.Os os = new HardwareInfo.Os(o.getName(), o.getVersion(), o.getBuild(),
        o.getKernel(), o.getArchitecture(), Replies.instant(o.hasInstallDate(),
            o.getInstallDate()), Replies.instant(o.hasLastBoot(), o.getLastBoot()),
        o.getHostname(), o.getDomain());
    List<HardwareInfo.Gpu> gpus = new ArrayList<>(h.getGpusCount());
    for (GpuInfo g : h.getGpusList()) {
      gpus.add(new HardwareInfo.Gpu(g.getName(), g.getVendor(), g.getDriverVersion(),
          g.getVramBytes(), g.getPciAddress()));
    }
    return new HardwareInfo(cpu, memory, disks, nics, bios, os, gpus);
  }

  @Override
  public CompletableFuture<SoftwareList> software(String filter, int maxEntries) {
    return Replies.guarded(() -> {
      OpChecks.singleLine(filter, 256, "filter");
      OpChecks.range(maxEntries, 1, 1_000_000, "max entries");
      AgentMessage request = AgentMessage.newBuilder().setListInstalledSoftware(
          ListInstalledSoftwareRequest.newBuilder().setFilter(filter).setMaxEntries(maxEntries))
          .build();
      return client.call(Operation.LIST_INSTALLED_SOFTWARE, request, reply -> {
        ListInstalledSoftwareResponse r = reply.getListInstalledSoftwareResponse();
        Replies.requireSuccess("list installed software", r.getSuccess(), r.getError());
        List<InstalledSoftware> items = new ArrayList<>(r.getSoftwareCount());
        for (io.quantix.agent.proto.InstalledSoftware s : r.getSoftwareList()) {
          items.add(new InstalledSoftware(s.getName(), s.getVersion(), s.getPublisher(),
              Replies.instant(s.hasInstallDate(), s.getInstallDate()), s.getSizeBytes(),
              s.getPackageType(), s.getArchitecture()));
        }
        return new SoftwareList(items, r.getTotalCount());
      });
    });
  }
}
