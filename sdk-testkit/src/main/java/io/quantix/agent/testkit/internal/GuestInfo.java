package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.DiskUsage;
import io.quantix.agent.proto.GetCapabilitiesResponse;
import io.quantix.agent.proto.InterfaceInfo;
import io.quantix.agent.proto.InterfaceState;
import io.quantix.agent.proto.TelemetryReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who the guest is and what it says about itself: version (which an applied self-update changes),
 * boot time, AgentReady, GetCapabilities and telemetry. Telemetry values are a function of the seed
 * and the tick number, drifting like a lightly loaded VM: memory and CPU wander, disk use creeps up,
 * interface counters only grow. Thread-safe. Not API.
 */
public final class GuestInfo {
  static final long GIB = 1024L * 1024 * 1024;
  static final long MEMORY_TOTAL = 4 * GIB;
  static final long SWAP_TOTAL = 2 * GIB;
  static final long ROOT_TOTAL = 40 * GIB;
  static final long BOOT_TOTAL = GIB;
  /** Names the agent reports in AgentReady only (platform extras), not in GetCapabilities. */
  private static final List<String> PLATFORM_EXTRAS = List.of("user_context_exec", "vss_quiesce");

  private final AgentSettings settings;
  private final long bootMillis;
  private final AtomicLong telemetryTicks = new AtomicLong();
  private volatile String version;

  GuestInfo(AgentSettings settings) {
    this.settings = settings;
    this.version = settings.version();
    // The guest booted between one hour and ten days ago, as the seed decides.
    this.bootMillis = System.currentTimeMillis() - 3_600_000L - Math.floorMod(settings.seed(), 9L * 86_400_000L);
  }

  /** The configuration the guest's identity comes from. */
  AgentSettings settings() {
    return settings;
  }

  /** The agent version reported now (changes after an applied self-update and restart). */
  public String version() {
    return version;
  }

  /** A restarted agent runs {@code installed}. */
  void version(String installed) {
    version = installed;
  }

  /** Guest OS uptime. */
  long uptimeSeconds() {
    return (System.currentTimeMillis() - bootMillis) / 1000;
  }

  /** An AgentReady with a fresh message_id. */
  public AgentMessage agentReady() {
    AgentSettings s = settings;
    return Messages.event().setAgentReady(AgentReadyEvent.newBuilder()
        .setVersion(version)
        .setOsName(s.osName())
        .setOsVersion(s.osVersion())
        .setKernelVersion(s.kernelVersion())
        .setArchitecture(s.architecture())
        .setHostname(s.hostname())
        .addAllIpAddresses(s.ipAddresses())
        .addAllCapabilities(s.capabilities()))
        .build();
  }

  /** What GetCapabilities answers. */
  GetCapabilitiesResponse capabilities() {
    GetCapabilitiesResponse.Builder response = GetCapabilitiesResponse.newBuilder()
        .setVersion(version)
        .setOs("linux")
        .setArchitecture(settings.architecture())
        .setBuildTime("unknown")
        .setBuildCommit("unknown");
    for (String capability : settings.capabilities()) {
      if (!PLATFORM_EXTRAS.contains(capability)) {
        response.addCapabilities(capability);
      }
    }
    return response.putFeatures("user_context_exec", "true").putFeatures("fsfreeze", "true").build();
  }

  /** The next telemetry report. */
  public AgentMessage telemetry() {
    return telemetry(telemetryTicks.incrementAndGet());
  }

  /**
   * Telemetry the guest wrote before now, for a stale backlog: {@code count} reports, oldest first,
   * one telemetry period apart (5 s when telemetry is off), the newest one period ago, each with
   * the timestamp and uptime of its time.
   */
  List<AgentMessage> pastTelemetry(int count) {
    long periodMillis = settings.telemetryInterval().isZero() ? 5_000 : settings.telemetryInterval().toMillis();
    long now = System.currentTimeMillis();
    List<AgentMessage> reports = new ArrayList<>(count);
    for (int i = count; i >= 1; i--) {
      long at = now - i * periodMillis;
      AgentMessage report = telemetry(-i);
      reports.add(report.toBuilder()
          .setTimestamp(Messages.timestamp(Instant.ofEpochMilli(at)))
          .setTelemetry(report.getTelemetry().toBuilder().setUptimeSeconds(Math.max(0, (at - bootMillis) / 1000)))
          .build());
    }
    return reports;
  }

  private AgentMessage telemetry(long tick) {
    long seed = settings.seed();
    SplittableRandom noise = new SplittableRandom(seed ^ (tick * 0x9E37_79B9_7F4A_7C15L));
    double wave = Math.sin(tick / 7.0 + (seed & 0xff));
    long memUsed = (long) (1.3 * GIB + 0.35 * GIB * wave + noise.nextLong(64L << 20));
    long cached = (long) (0.9 * GIB);
    double cpu = Math.max(0.3, 6 + 4 * wave + noise.nextDouble() * 9);
    double load1 = Math.max(0, 0.25 + 0.2 * wave + noise.nextDouble() * 0.3);
    long rootUsed = 9 * GIB + (seed & 0xfff) * (1L << 20) + tick * 48 * 1024 + noise.nextLong(1 << 20);
    long rx = 180_000_000L + tick * 60_000 + noise.nextLong(40_000);
    long tx = 25_000_000L + tick * 14_000 + noise.nextLong(12_000);
    return Messages.event().setTelemetry(TelemetryReport.newBuilder()
        .setCpuUsagePercent(round(cpu))
        .setMemoryTotalBytes(MEMORY_TOTAL)
        .setMemoryUsedBytes(memUsed)
        .setMemoryAvailableBytes(MEMORY_TOTAL - memUsed - cached / 4)
        .setSwapTotalBytes(SWAP_TOTAL)
        .setSwapUsedBytes(12L << 20)
        .addDisks(disk("/", "ext4", "vda1", ROOT_TOTAL, rootUsed))
        .addDisks(disk("/boot", "ext4", "vda15", BOOT_TOTAL, 180L << 20))
        .addInterfaces(InterfaceInfo.newBuilder()
            .setName("eth0")
            .setMacAddress(mac(seed))
            .setState(InterfaceState.INTERFACE_STATE_UP)
            .setRxBytes(rx)
            .setTxBytes(tx)
            .setRxPackets(rx / 900)
            .setTxPackets(tx / 400))
        .setLoadAvg1(round(load1))
        .setLoadAvg5(round(0.3 + 0.1 * wave))
        .setLoadAvg15(round(0.28 + 0.05 * wave))
        .setProcessCount(118 + (int) (6 * wave) + noise.nextInt(4))
        .setUptimeSeconds(uptimeSeconds())
        .setHostname(settings.hostname()))
        .build();
  }

  /** The interface MAC: QEMU's 52:54:00 prefix and three bytes from the seed. */
  static String mac(long seed) {
    return String.format("52:54:00:%02x:%02x:%02x", (seed >>> 16) & 0xff, (seed >>> 8) & 0xff, seed & 0xff);
  }

  private static DiskUsage disk(String mount, String fs, String device, long total, long used) {
    return DiskUsage.newBuilder()
        .setMountPoint(mount)
        .setFilesystem(fs)
        .setDevice(device)
        .setTotalBytes(total)
        .setUsedBytes(used)
        .setAvailableBytes(total - used)
        .setUsagePercent(round(100.0 * used / total))
        .build();
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
