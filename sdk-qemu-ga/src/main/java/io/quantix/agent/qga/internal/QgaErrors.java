package io.quantix.agent.qga.internal;

import io.quantix.agent.AgentException;

/** Typed failures from QGA error replies. */
public final class QgaErrors {
  /** QGA's error class for unknown and disabled commands. */
  public static final String COMMAND_NOT_FOUND = "CommandNotFound";

  private QgaErrors() {}

  /**
   * The failure for an {@code {"error":{"class":errorClass,"desc":desc}}} reply to
   * {@code command}. AgentException has no field for the QGA class, so it leads the message
   * ({@code "guest-exec [GenericError] failed in the guest: ..."}).
   */
  static AgentException remote(String command, String errorClass, String desc) {
    if (COMMAND_NOT_FOUND.equals(errorClass)) {
      return AgentException.of(AgentException.Code.NOT_SUPPORTED,
          command + " [" + errorClass + "]: " + desc).withMayHaveRun(false);
    }
    return AgentException.remote(command + " [" + errorClass + "]", desc);
  }

  /** NOT_SUPPORTED before any I/O: guest-info says the command is missing or disabled. */
  public static AgentException disabled(String command, boolean known) {
    return AgentException.of(AgentException.Code.NOT_SUPPORTED, command + ": "
        + (known ? "disabled in this qemu-ga (guest-info: enabled=false; blocked with -b,"
            + " unsupported on the guest OS, or the filesystems are frozen)"
            : "not a command of this qemu-ga (absent from guest-info)"));
  }
}
