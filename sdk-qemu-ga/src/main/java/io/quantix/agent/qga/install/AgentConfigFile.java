package io.quantix.agent.qga.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The agent's configuration file, written by the installer with mode 0600 before the service
 * (re)starts. Its contents may hold secrets: they are never logged, never put in a message, and
 * {@link #toString()} shows the guest path only.
 *
 * <pre>{@code
 * InstallSpec spec = InstallSpec.of(Path.of("quantix-agent"))
 *     .withConfig(AgentConfigFile.of(Path.of("agent.yaml")));   // to /etc/quantix-kvm/agent.yaml
 * }</pre>
 */
public final class AgentConfigFile {
  /** Where the Linux agent reads its configuration: {@code /etc/quantix-kvm/agent.yaml}. */
  public static final String DEFAULT_GUEST_PATH = "/etc/quantix-kvm/agent.yaml";

  private final byte[] contents;
  private final Path local;
  private final String guestPath;

  private AgentConfigFile(byte[] contents, Path local, String guestPath) {
    if (guestPath == null || !guestPath.startsWith("/") || guestPath.endsWith("/")
        || guestPath.contains("'") || guestPath.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "the config's guest path must be an absolute file path without quotes: " + guestPath);
    }
    this.contents = contents;
    this.local = local;
    this.guestPath = guestPath;
  }

  /** These bytes (copied) to the default guest path. */
  public static AgentConfigFile of(byte[] contents) {
    return new AgentConfigFile(Objects.requireNonNull(contents, "contents").clone(), null,
        DEFAULT_GUEST_PATH);
  }

  /** The local file {@code local} (read when the install starts) to the default guest path. */
  public static AgentConfigFile of(Path local) {
    return new AgentConfigFile(null, Objects.requireNonNull(local, "local"), DEFAULT_GUEST_PATH);
  }

  /** The same contents written to {@code path} (below the install root) instead. */
  public AgentConfigFile at(String path) {
    return new AgentConfigFile(contents, local, path);
  }

  /** The guest path below the install root. */
  public String guestPath() {
    return guestPath;
  }

  /** The contents (a copy), read from the local file when one was given. */
  byte[] read() throws IOException {
    return local != null ? Files.readAllBytes(local) : contents.clone();
  }

  /** The guest path only: the contents may hold secrets. */
  @Override
  public String toString() {
    return "AgentConfigFile[" + guestPath + ", contents not shown]";
  }
}
