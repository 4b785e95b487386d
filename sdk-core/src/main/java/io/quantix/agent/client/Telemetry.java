package io.quantix.agent.client;

import io.quantix.agent.proto.TelemetryReport;
import java.time.Duration;
import java.time.Instant;

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
 * @param report the report as the agent sent it (the same as {@link #raw()})
 * @param receivedAt wall-clock time it arrived
 * @param receivedNanos {@link System#nanoTime()} when it arrived, for {@link #age()}
 */
public record Telemetry(TelemetryReport report, Instant receivedAt, long receivedNanos) {

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
