package io.quantix.agent.agentctl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl net apply FILE}: the guest's network configuration. */
@Command(name = "net", description = {"The guest's network configuration.",
    "apply sends a netplan YAML file; the guest writes it (netplan: "
        + "/etc/netplan/99-limiquantix.yaml) and applies it unless --no-apply."},
    subcommands = NetCommand.Apply.class)
final class NetCommand extends GroupCommand {
  /** Largest configuration accepted: a netplan file is a few KiB. */
  static final long MAX_BYTES = 1024 * 1024;

  /** {@code agentctl net apply FILE [--no-apply]}. */
  @Command(name = "apply", description = "Send a netplan file to the guest and apply it.")
  static final class Apply extends AgentCommand {
    @Parameters(paramLabel = "FILE", description = "local netplan YAML file")
    Path file;

    @Option(names = "--no-apply", description = "write the configuration, apply it later")
    boolean noApply;

    @Override
    int run(Target target) throws Exception {
      if (!Files.isRegularFile(file)) {
        throw new java.nio.file.NoSuchFileException(file.toString());
      }
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw CliError.usage(file + " is " + Format.bytes(size) + ": not a network configuration");
      }
      String yaml = Files.readString(file, StandardCharsets.UTF_8);
      Target.await(target.client().lifecycle().configureNetwork(yaml, !noApply));
      emit(Json.obj().put("file", file.toString()).put("sizeBytes", size)
              .put("applied", !noApply),
          target.vmId() + ": network configuration from " + file + " "
              + (noApply ? "written (not applied)" : "written and applied"));
      return ExitCodes.OK;
    }
  }
}
