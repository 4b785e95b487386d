package io.quantix.agent.qga.install;

import io.quantix.agent.qga.QgaClient;
import java.util.concurrent.CompletableFuture;

/**
 * Starts the installed agent in the guest. The installer picks {@link #systemd()} or
 * {@link #openRc()} from the detected {@link InitSystem}; tests (and guests without either)
 * supply their own, so CI never touches this machine's init system.
 *
 * <pre>{@code
 * ServiceManager custom = (qga, binary) -> qga.exec(QgaExec.shell("nohup " + binary + " &")).thenApply(r -> null);
 * }</pre>
 */
@FunctionalInterface
public interface ServiceManager {
  /** Writes whatever the service needs, enables it and (re)starts {@code binary}. */
  CompletableFuture<Void> restart(QgaClient qga, String binary);

  /**
   * Stops and disables the service and removes what {@link #restart} wrote; the installer then
   * removes the binary. The default does nothing (a custom manager with nothing to remove).
   */
  default CompletableFuture<Void> remove(QgaClient qga, String binary) {
    return CompletableFuture.completedFuture(null);
  }

  /** systemd: the unit of the wire notes, daemon-reload, enable, restart. */
  static ServiceManager systemd() {
    return ServiceManagers.systemd(ServiceManagers.SYSTEMD_UNIT);
  }

  /**
   * systemd with the caller's unit text; {@code %s} stands for the binary's path (a
   * {@link String#format} template, so a literal percent sign is written {@code %%}).
   */
  static ServiceManager systemd(String unitTemplate) {
    return ServiceManagers.systemd(java.util.Objects.requireNonNull(unitTemplate, "unitTemplate"));
  }

  /**
   * For guests with neither systemd nor OpenRC: runs {@code shellCommand} through
   * {@code /bin/sh -c} in the guest, with the binary's path as {@code $1}; it must start the agent
   * in the background and exit 0.
   */
  static ServiceManager command(String shellCommand) {
    java.util.Objects.requireNonNull(shellCommand, "shellCommand");
    return (qga, binary) -> qga.exec(io.quantix.agent.qga.QgaExec.of("/bin/sh", "-c",
        shellCommand, "sh", binary)).thenAccept(r -> {
          if (!r.succeeded()) {
            throw io.quantix.agent.AgentException.remote("start command", (r.stderrText()
                + r.stdoutText()).trim() + " (exit " + r.exit() + ")");
          }
        });
  }

  /** OpenRC: the init script of the wire notes, rc-update add, rc-service restart. */
  static ServiceManager openRc() {
    return ServiceManagers.openRc();
  }
}
