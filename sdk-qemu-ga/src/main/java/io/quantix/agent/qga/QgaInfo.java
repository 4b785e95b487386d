package io.quantix.agent.qga;

import java.util.List;
import java.util.Optional;

/**
 * {@code guest-info}: qemu-ga's version and its commands, each enabled or not (blocked with
 * {@code -b}, unsupported on the guest OS, or disabled while the filesystems are frozen).
 *
 * <pre>{@code
 * QgaInfo info = qga.info().join();
 * if (info.isEnabled("guest-exec")) { ... }
 * }</pre>
 *
 * @param version qemu-ga's version, e.g. {@code 7.2.22}
 * @param commands every command qemu-ga knows
 */
public record QgaInfo(String version, List<Command> commands) {
  /** Copies the list. */
  public QgaInfo {
    commands = List.copyOf(commands);
  }

  /**
   * One supported command.
   *
   * @param name e.g. {@code guest-exec}
   * @param enabled whether it may be called now
   * @param successResponse false for commands that send no reply on success (guest-shutdown)
   */
  public record Command(String name, boolean enabled, boolean successResponse) {}

  /** The command named {@code name}, if qemu-ga knows it. */
  public Optional<Command> command(String name) {
    return commands.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** Whether {@code name} is known and enabled. */
  public boolean isEnabled(String name) {
    return command(name).map(Command::enabled).orElse(false);
  }

  /** The names of the enabled commands. */
  public List<String> enabledCommands() {
    return commands.stream().filter(Command::enabled).map(Command::name).toList();
  }
}
