package io.quantix.agent.agentctl;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Adjustments to the command model that picocli's annotations cannot express. */
final class HelpModel {
  private HelpModel() {}

  /**
   * Gives every command that {@linkplain TimeoutHelp says what --timeout means} its own
   * description of the inherited option (the value still lands in the root's field).
   */
  static void applyTimeoutHelp(CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      OptionSpec timeout = spec.findOption("--timeout");
      if (sub.getCommand() instanceof TimeoutHelp help && timeout != null) {
        spec.remove(timeout);
        spec.addOption(OptionSpec.builder(timeout)
            .description(help.timeoutHelp())
            .scopeType(CommandLine.ScopeType.LOCAL)
            .build());
      }
      applyTimeoutHelp(sub);
    }
  }
}
