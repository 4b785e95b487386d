package io.quantix.agent.agentctl;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups actions ({@code svc}, {@code time}, {@code net}...): given without
 * one, it is a usage error naming the actions.
 */
@Command
abstract class GroupCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing action: "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
