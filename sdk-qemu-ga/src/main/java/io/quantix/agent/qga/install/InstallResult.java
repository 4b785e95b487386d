package io.quantix.agent.qga.install;

import java.time.Duration;
import java.util.Map;

/**
 * A finished install.
 *
 * <pre>{@code
 * InstallResult r = installer.install("vm-42", spec, InstallProgress.NONE).join();
 * System.out.println(r.unchanged() ? "already installed" : "installed " + r.version());
 * }</pre>
 *
 * @param version the version the agent reported through the registry
 * @param unchanged the same binary was already installed: nothing was pushed or restarted
 * @param seLinuxLabel the installed file's SELinux context, or null when SELinux is off
 * @param timings time spent in each step, in order
 */
public record InstallResult(String version, boolean unchanged, String seLinuxLabel,
    Map<InstallStep, Duration> timings) {
  /** Copies the map. */
  public InstallResult {
    timings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(timings));
  }
}
