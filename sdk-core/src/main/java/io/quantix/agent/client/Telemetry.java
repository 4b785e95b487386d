package io.quantix.agent.client;

import io.quantix.agent.proto.TelemetryReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One telemetry report the guest pushed (every 5 s by default), with when it arrived.
 *
 * <pre>{@code
 * client.latestTelemetry().ifPresent(t ->
 *     System.out.printf("%s: %d%% memory, %s old%n", t.hostname(), t.memoryUsedPercent(), t.age()));
 * }</pre>
 *
 * <p>The accessors below are the SDK's view of a report; {@link #raw()} is the escape hatch to every
 * field of the generated wire type, which may change with the agent's protocol.
 *
 * <p>Only reports of a live session are delivered: what the agent's port held from before this
 * host's session answered (old reports written while nobody read, one of them often cut) is
 * dropped, never delivered as current.
 *
 * @param report the report as the agent sent it (the same as {@link #raw()})
 * @param receivedAt wall-clock time it arrived
 * @param receivedNanos {@link System#nanoTime()} when it arrived, for {@link #age()}
 * @param sentAt the agent's own timestamp of the report (guest clock), or null when it sent none;
 *     see {@link #agentTimestamp()}
 */
public record Telemetry(TelemetryReport report, Instant receivedAt, long receivedNanos,
    Instant sentAt) {

  /** A report without the agent's timestamp. */
  public Telemetry(TelemetryReport report, Instant receivedAt, long receivedNanos) {
    this(report, receivedAt, receivedNanos, null);
  }

  /** When the agent made the report, by the guest's clock (its envelope timestamp), if it sent one. */
  public Optional<Instant> agentTimestamp() {
    return Optional.ofNullable(sentAt);
  }

  /** The report as the agent sent it, every field of the wire type: the escape hatch. */
  public TelemetryReport raw() {
    return report;
  }

  /** Used guest memory in bytes. */
  public long memoryUsedBytes() {
    return report.getMemoryUsedBytes();
  }

  /** Total guest memory in bytes, 0 when unknown. */
  public long memoryTotalBytes() {
    return report.getMemoryTotalBytes();
  }

  /** How long ago the report arrived. */
  public Duration age() {
    return Duration.ofNanos(System.nanoTime() - receivedNanos);
  }

  /** Guest host name. */
  public String hostname() {
    return report.getHostname();
  }

  /** Used memory in percent of total, 0 when the total is unknown. */
  public int memoryUsedPercent() {
    long total = report.getMemoryTotalBytes();
    return total == 0 ? 0 : (int) Math.round(100.0 * report.getMemoryUsedBytes() / total);
  }

  /** CPU use in percent (the agent's sample is rough). */
  public double cpuUsagePercent() {
    return report.getCpuUsagePercent();
  }

  /** Guest OS uptime. */
  public Duration guestUptime() {
    return Duration.ofSeconds(report.getUptimeSeconds());
  }
}
