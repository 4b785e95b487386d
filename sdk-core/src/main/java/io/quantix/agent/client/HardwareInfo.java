package io.quantix.agent.client;

import java.time.Instant;
import java.util.List;

/**
 * The guest's hardware inventory. Parts the agent did not report are empty values (empty strings,
 * zeros, empty lists), never null; only timestamps may be null.
 *
 * <pre>{@code
 * HardwareInfo hw = client.inventory().hardware().join();
 * System.out.println(hw.cpu().model() + ", " + hw.memory().totalBytes() / (1 << 30) + " GiB");
 * }</pre>
 *
 * @param cpu the processor
 * @param memory the memory
 * @param disks the disks
 * @param networkAdapters the network adapters
 * @param bios firmware and system identity
 * @param os the operating system
 * @param gpus graphics adapters
 */
public record HardwareInfo(Cpu cpu, Memory memory, List<Disk> disks,
    List<NetworkAdapter> networkAdapters, Bios bios, Os os, List<Gpu> gpus) {

  /** Copies the lists. */
  public HardwareInfo {
    disks = List.copyOf(disks);
    networkAdapters = List.copyOf(networkAdapters);
    gpus = List.copyOf(gpus);
  }

  /**
   * The processor.
   *
   * @param model model name
   * @param vendor vendor
   * @param architecture architecture, e.g. x86_64
   * @param cores physical cores
   * @param threads logical processors
   * @param sockets sockets
   * @param frequencyMhz clock in MHz
   * @param flags feature flags
   * @param l1CacheBytes L1 cache
   * @param l2CacheBytes L2 cache
   * @param l3CacheBytes L3 cache
   */
  public record Cpu(String model, String vendor, String architecture, int cores, int threads,
      int sockets, double frequencyMhz, List<String> flags, long l1CacheBytes, long l2CacheBytes,
      long l3CacheBytes) {
    /** Copies the list. */
    public Cpu {
      flags = List.copyOf(flags);
    }
  }

  /**
   * The memory.
   *
   * @param totalBytes installed memory
   * @param availableBytes available memory
   * @param type memory type, e.g. DDR4
   * @param speedMhz speed in MHz
   * @param dimmCount DIMMs
   */
  public record Memory(long totalBytes, long availableBytes, String type, int speedMhz,
      int dimmCount) {}

  /**
   * A disk.
   *
   * @param device device name
   * @param model model
   * @param serial serial number
   * @param sizeBytes size
   * @param diskType type, e.g. SSD or HDD
   * @param interfaceType bus, e.g. virtio, SATA
   * @param virtual whether it is a virtual disk
   * @param partitions its partitions
   */
  public record Disk(String device, String model, String serial, long sizeBytes, String diskType,
      String interfaceType, boolean virtual, List<Partition> partitions) {
    /** Copies the list. */
    public Disk {
      partitions = List.copyOf(partitions);
    }
  }

  /**
   * A partition.
   *
   * @param device device name
   * @param mountPoint where it is mounted, empty if not
   * @param filesystem filesystem type
   * @param sizeBytes size
   * @param usedBytes used
   * @param label label
   */
  public record Partition(String device, String mountPoint, String filesystem, long sizeBytes,
      long usedBytes, String label) {}

  /**
   * A network adapter.
   *
   * @param name interface name
   * @param macAddress MAC address
   * @param adapterType adapter type
   * @param speedMbps link speed in Mbit/s
   * @param virtual whether it is virtual
   * @param driver driver
   * @param pciAddress PCI address
   */
  public record NetworkAdapter(String name, String macAddress, String adapterType, int speedMbps,
      boolean virtual, String driver, String pciAddress) {}

  /**
   * Firmware and system identity.
   *
   * @param vendor BIOS vendor
   * @param version BIOS version
   * @param releaseDate BIOS release date as text
   * @param systemManufacturer system manufacturer
   * @param systemProduct system product
   * @param systemSerial system serial number
   * @param systemUuid system UUID
   */
  public record Bios(String vendor, String version, String releaseDate, String systemManufacturer,
      String systemProduct, String systemSerial, String systemUuid) {}

  /**
   * The operating system.
   *
   * @param name OS name
   * @param version version
   * @param build build
   * @param kernel kernel version
   * @param architecture architecture
   * @param installDate installation time, or null
   * @param lastBoot last boot, or null
   * @param hostname host name
   * @param domain domain
   */
  public record Os(String name, String version, String build, String kernel, String architecture,
      Instant installDate, Instant lastBoot, String hostname, String domain) {}

  /**
   * A graphics adapter.
   *
   * @param name name
   * @param vendor vendor
   * @param driverVersion driver version
   * @param vramBytes video memory
   * @param pciAddress PCI address
   */
  public record Gpu(String name, String vendor, String driverVersion, long vramBytes,
      String pciAddress) {}
}
