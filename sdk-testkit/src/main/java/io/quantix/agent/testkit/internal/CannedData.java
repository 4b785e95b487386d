package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.BiosInfo;
import io.quantix.agent.proto.CpuInfo;
import io.quantix.agent.proto.DiskInfo;
import io.quantix.agent.proto.HardwareInfo;
import io.quantix.agent.proto.InstalledSoftware;
import io.quantix.agent.proto.MemoryInfo;
import io.quantix.agent.proto.NetworkAdapterInfo;
import io.quantix.agent.proto.OsInfo;
import io.quantix.agent.proto.PartitionInfo;
import io.quantix.agent.proto.ProcessInfo;
import io.quantix.agent.proto.ServiceInfo;
import java.util.List;

/**
 * What a small Ubuntu 22.04 cloud VM under QEMU/KVM reports: processes, systemd services, dpkg
 * packages and hardware. Shared, immutable; per-agent changes live in the guest state. Not API.
 */
final class CannedData {
  private CannedData() {}

  static final List<ProcessInfo> PROCESSES = List.of(
      process(1, 0, "systemd", "/sbin/init", "root", 11_800_000, 1),
      process(2, 0, "kthreadd", "", "root", 0, 1),
      process(412, 1, "systemd-journald", "/lib/systemd/systemd-journald", "root", 24_600_000, 1),
      process(455, 1, "systemd-udevd", "/lib/systemd/systemd-udevd", "root", 6_900_000, 1),
      process(611, 1, "systemd-networkd", "/lib/systemd/systemd-networkd", "systemd-network", 8_100_000, 1),
      process(633, 1, "systemd-resolved", "/lib/systemd/systemd-resolved", "systemd-resolve", 12_300_000, 1),
      process(702, 1, "cron", "/usr/sbin/cron -f -P", "root", 2_700_000, 1),
      process(705, 1, "dbus-daemon", "@dbus-daemon --system --address=systemd: --nofork", "messagebus", 4_900_000, 1),
      process(741, 1, "rsyslogd", "/usr/sbin/rsyslogd -n -iNONE", "syslog", 5_500_000, 4),
      process(812, 1, "sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", "root", 7_600_000, 1),
      process(845, 1, "quantix-kvm-agent", "/usr/local/bin/quantix-kvm-agent", "root", 9_400_000, 6),
      process(901, 1, "agetty", "/sbin/agetty -o -p -- \\u --noclear tty1 linux", "root", 2_000_000, 1),
      process(1337, 1, "nginx", "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;", "root", 3_100_000, 1),
      process(1338, 1337, "nginx", "nginx: worker process", "www-data", 5_800_000, 1));

  static final List<ServiceInfo> SERVICES = List.of(
      service("cron", "Regular background program processing daemon", "running", "enabled", 702, 2_700_000),
      service("dbus", "D-Bus System Message Bus", "running", "static", 705, 4_900_000),
      service("nginx", "A high performance web server and a reverse proxy server", "running", "enabled", 1337, 8_900_000),
      service("quantix-kvm-agent", "Quantix KVM guest agent", "running", "enabled", 845, 9_400_000),
      service("rsyslog", "System Logging Service", "running", "enabled", 741, 5_500_000),
      service("ssh", "OpenBSD Secure Shell server", "running", "enabled", 812, 7_600_000),
      service("systemd-journald", "Journal Service", "running", "static", 412, 24_600_000),
      service("systemd-networkd", "Network Configuration", "running", "enabled", 611, 8_100_000),
      service("systemd-resolved", "Network Name Resolution", "running", "enabled", 633, 12_300_000),
      service("apparmor", "Load AppArmor profiles", "stopped", "enabled", 0, 0),
      service("ufw", "Uncomplicated firewall", "stopped", "disabled", 0, 0),
      service("unattended-upgrades", "Unattended Upgrades Shutdown", "stopped", "disabled", 0, 0));

  static final List<InstalledSoftware> SOFTWARE = List.of(
      software("base-files", "12ubuntu4.6", 392_000, "amd64"),
      software("bash", "5.1-6ubuntu1.1", 1_864_000, "amd64"),
      software("coreutils", "8.32-4.1ubuntu1.2", 7_284_000, "amd64"),
      software("curl", "7.81.0-1ubuntu1.16", 455_000, "amd64"),
      software("libc6", "2.35-0ubuntu3.8", 13_592_000, "amd64"),
      software("libssl3", "3.0.2-0ubuntu1.18", 5_816_000, "amd64"),
      software("linux-image-5.15.0-91-generic", "5.15.0-91.101", 11_837_000, "amd64"),
      software("nginx", "1.18.0-6ubuntu14.4", 119_000, "amd64"),
      software("openssh-server", "1:8.9p1-3ubuntu0.10", 1_586_000, "amd64"),
      software("python3", "3.10.6-1~22.04.1", 94_000, "amd64"),
      software("systemd", "249.11-0ubuntu3.12", 15_872_000, "amd64"),
      software("tzdata", "2024a-0ubuntu0.22.04.1", 3_904_000, "all"),
      software("vim-tiny", "2:8.2.3995-1ubuntu2.17", 1_712_000, "amd64"));

  static HardwareInfo hardware(GuestInfo guest, boolean cpuDetails, boolean diskDetails, boolean networkDetails) {
    AgentSettings s = guest.settings();
    CpuInfo.Builder cpu = CpuInfo.newBuilder().setModel("QEMU Virtual CPU version 2.5+").setVendor("GenuineIntel")
        .setCores(2).setThreads(2).setSockets(1).setFrequencyMhz(2399.998).setArchitecture(s.architecture());
    if (cpuDetails) {
      cpu.addAllFlags(List.of("fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sse", "sse2",
          "ssse3", "sse4_1", "sse4_2", "x2apic", "popcnt", "aes", "avx", "avx2", "hypervisor"))
          .setL1CacheBytes(64 * 1024).setL2CacheBytes(4L << 20).setL3CacheBytes(16L << 20);
    }
    DiskInfo.Builder disk = DiskInfo.newBuilder().setDevice("/dev/vda").setModel("QEMU HARDDISK").setSerial("qx-"
        + Long.toHexString(s.seed() & 0xffffff)).setSizeBytes(GuestInfo.ROOT_TOTAL + GuestInfo.BOOT_TOTAL)
        .setDiskType("HDD").setInterface("virtio").setIsVirtual(true);
    if (diskDetails) {
      disk.addPartitions(PartitionInfo.newBuilder().setDevice("/dev/vda1").setMountPoint("/").setFilesystem("ext4")
          .setSizeBytes(GuestInfo.ROOT_TOTAL).setUsedBytes(9 * GuestInfo.GIB).setLabel("cloudimg-rootfs"));
      disk.addPartitions(PartitionInfo.newBuilder().setDevice("/dev/vda15").setMountPoint("/boot").setFilesystem("ext4")
          .setSizeBytes(GuestInfo.BOOT_TOTAL).setUsedBytes(180L << 20).setLabel("BOOT"));
    }
    NetworkAdapterInfo.Builder nic = NetworkAdapterInfo.newBuilder().setName("eth0").setMacAddress(GuestInfo.mac(s.seed()))
        .setAdapterType("ethernet").setIsVirtual(true);
    if (networkDetails) {
      nic.setSpeedMbps(10_000).setDriver("virtio_net").setPciAddress("0000:00:03.0");
    }
    return HardwareInfo.newBuilder()
        .setCpu(cpu)
        .setMemory(MemoryInfo.newBuilder().setTotalBytes(GuestInfo.MEMORY_TOTAL).setAvailableBytes(2_600_000_000L)
            .setMemoryType("RAM").setDimmCount(1))
        .addDisks(disk)
        .addNetworkAdapters(nic)
        .setBios(BiosInfo.newBuilder().setVendor("SeaBIOS").setVersion("1.16.2-debian-1.16.2-1")
            .setReleaseDate("04/01/2014").setSystemManufacturer("QEMU")
            .setSystemProduct("Standard PC (i440FX + PIIX, 1996)").setSystemSerial("")
            .setSystemUuid(new java.util.UUID(s.seed(), ~s.seed()).toString()))
        .setOs(OsInfo.newBuilder().setName(s.osName()).setVersion(s.osVersion()).setKernel(s.kernelVersion())
            .setArchitecture(s.architecture()).setHostname(s.hostname())
            .setLastBoot(Messages.timestamp(java.time.Instant.now().minusSeconds(guest.uptimeSeconds()))))
        .build();
  }

  private static ProcessInfo process(int pid, int ppid, String name, String cmd, String user, long memory, int threads) {
    return ProcessInfo.newBuilder().setPid(pid).setPpid(ppid).setName(name).setCommandLine(cmd).setUser(user)
        .setMemoryBytes(memory).setThreadCount(threads).setState(name.equals("quantix-kvm-agent") ? "Running" : "Sleeping")
        .setCpuPercent(name.equals("quantix-kvm-agent") ? 0.4 : 0.0).setWorkingDirectory("/").build();
  }

  private static ServiceInfo service(String name, String description, String state, String startType, int pid, long memory) {
    return ServiceInfo.newBuilder().setName(name).setDisplayName(name + ".service").setDescription(description)
        .setState(state).setStartType(startType).setPid(pid).setMemoryBytes(memory).build();
  }

  private static InstalledSoftware software(String name, String version, long size, String arch) {
    return InstalledSoftware.newBuilder().setName(name).setVersion(version).setPublisher("Ubuntu Developers")
        .setSizeBytes(size).setPackageType("deb").setArchitecture(arch).build();
  }
}
