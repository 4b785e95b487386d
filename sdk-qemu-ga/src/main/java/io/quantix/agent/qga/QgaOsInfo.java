package io.quantix.agent.qga;

import java.util.Optional;

/**
 * {@code guest-get-osinfo}: uname and os-release fields; each may be missing.
 *
 * <pre>{@code
 * QgaOsInfo os = qga.osInfo().join();
 * System.out.println(os.prettyName().orElse("?") + " on " + os.machine().orElse("?"));
 * }</pre>
 *
 * @param kernelRelease {@code uname -r}, or null
 * @param kernelVersion {@code uname -v}, or null
 * @param machineName {@code uname -m}, e.g. {@code x86_64}, or null
 * @param id os-release ID, or null
 * @param name os-release NAME, or null
 * @param prettyNameText os-release PRETTY_NAME, or null
 * @param version os-release VERSION, or null
 * @param versionId os-release VERSION_ID, or null
 */
public record QgaOsInfo(String kernelRelease, String kernelVersion, String machineName, String id,
    String name, String prettyNameText, String version, String versionId) {

  /** The guest's architecture as {@code uname -m} prints it. */
  public Optional<String> machine() {
    return Optional.ofNullable(machineName);
  }

  /** The distribution's pretty name. */
  public Optional<String> prettyName() {
    return Optional.ofNullable(prettyNameText);
  }
}
