package io.quantix.agent.qga.install;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What to install and how. Immutable.
 *
 * <pre>{@code
 * InstallSpec spec = InstallSpec.of(Path.of("quantix-agent"))
 *     .withExpectedVersion("0.1.27")
 *     .withReadyTimeout(Duration.ofMinutes(2));
 * }</pre>
 *
 * @param binary the local agent binary (a static ELF)
 * @param expectedVersion the version the agent must report once started, or null for any
 * @param root the install root in the guest ({@code /}; tests use a temp directory)
 * @param guestBinary the installed path below the root
 * @param service the service manager, or null to pick one from the detected init system
 * @param readyTimeout how long to wait for the agent through the registry
 * @param config the agent's configuration file to write (mode 0600), or null to leave it alone
 */
public record InstallSpec(Path binary, String expectedVersion, String root, String guestBinary,
    ServiceManager service, Duration readyTimeout, AgentConfigFile config) {
  /** Where the agent goes: {@code /usr/local/bin/quantix-agent}. */
  public static final String DEFAULT_GUEST_BINARY = "/usr/local/bin/quantix-agent";
  /** Readiness wait by default: 90 s (the registry's reconnect backoff reaches 30 s). */
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);

  /** Validates. */
  public InstallSpec {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(readyTimeout, "readyTimeout");
    for (String p : new String[] {root, guestBinary}) {
      if (p == null || !p.startsWith("/") || p.contains("'") || p.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("guest paths must be absolute without quotes: " + p);
      }
    }
  }

  /** A spec without a config file (the form before config files existed). */
  public InstallSpec(Path binary, String expectedVersion, String root, String guestBinary,
      ServiceManager service, Duration readyTimeout) {
    this(binary, expectedVersion, root, guestBinary, service, readyTimeout, null);
  }

  /** {@code binary} to the default place, any version, init system detected. */
  public static InstallSpec of(Path binary) {
    return new InstallSpec(binary, null, "/", DEFAULT_GUEST_BINARY, null, DEFAULT_READY_TIMEOUT);
  }

  /** Requires the started agent to report {@code version}. */
  public InstallSpec withExpectedVersion(String version) {
    return new InstallSpec(binary, version, root, guestBinary, service, readyTimeout, config);
  }

  /** Installs below {@code installRoot} (tests). */
  public InstallSpec withRoot(String installRoot) {
    return new InstallSpec(binary, expectedVersion, installRoot, guestBinary, service,
        readyTimeout, config);
  }

  /** Uses {@code manager} instead of the detected init system. */
  public InstallSpec withService(ServiceManager manager) {
    return new InstallSpec(binary, expectedVersion, root, guestBinary, manager, readyTimeout,
        config);
  }

  /** Waits this long for readiness. */
  public InstallSpec withReadyTimeout(Duration timeout) {
    return new InstallSpec(binary, expectedVersion, root, guestBinary, service, timeout, config);
  }

  /**
   * Also writes the agent's configuration (mode 0600, atomically, before the service starts);
   * an identical config already in place is left alone.
   */
  public InstallSpec withConfig(AgentConfigFile agentConfig) {
    return new InstallSpec(binary, expectedVersion, root, guestBinary, service, readyTimeout,
        agentConfig);
  }

  /** The version required, if any. */
  public Optional<String> version() {
    return Optional.ofNullable(expectedVersion);
  }

  /** The installed binary's full guest path (root + path). */
  public String installedPath() {
    return (root.equals("/") ? "" : root.replaceAll("/+$", "")) + guestBinary;
  }
}
