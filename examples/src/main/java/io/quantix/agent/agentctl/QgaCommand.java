package io.quantix.agent.agentctl;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code agentctl qga ...}: the VM's QEMU guest agent (qemu-ga) channel, for guests without the
 * Quantix agent. {@code -e} names the qemu-ga socket (libvirt's {@code org.qemu.guest_agent.0}).
 */
@Command(name = "qga", description = {
    "Talk to the VM's QEMU guest agent (qemu-ga) instead of the Quantix agent.",
    "-e names the qemu-ga channel socket, e.g. "
        + "/var/lib/libvirt/qemu/channel/target/domain-3-vm42/org.qemu.guest_agent.0"},
    subcommands = {QgaCommands.Ping.class, QgaCommands.Info.class, QgaCommands.OsInfo.class,
        QgaExecCommand.class, QgaTransferCommands.Push.class, QgaTransferCommands.Pull.class,
        QgaCommands.FsInfo.class, QgaCommands.FreezeStatus.class})
final class QgaCommand implements Runnable {
  @ParentCommand
  Agentctl root;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing qga subcommand: ping, info, osinfo, exec, push, pull, fsinfo, freeze-status");
  }
}
