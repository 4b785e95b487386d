package io.quantix.agent.qga.install;

/**
 * The guest's service manager, detected the way systemd and OpenRC document it: systemd iff the
 * directory {@code /run/systemd/system} exists (sd_booted(3)); OpenRC iff
 * {@code /run/openrc/softlevel} exists or {@code openrc-run} is on the PATH. {@code /proc/1/comm}
 * is not enough.
 *
 * <pre>{@code
 * if (report.initSystem() == InitSystem.NONE) { spec = spec.withStartCommand("/usr/local/bin/quantix-agent &"); }
 * }</pre>
 */
public enum InitSystem {
  /** systemd. */
  SYSTEMD,
  /** OpenRC. */
  OPENRC,
  /** Neither: the caller must give a start command. */
  NONE
}
