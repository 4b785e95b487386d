package io.quantix.agent.agentctl;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * A subcommand that talks to one VM: it opens the {@link Target} from the global options, runs,
 * closes it, and returns the exit code. Failures propagate to the root's handler, which maps them.
 */
@Command
abstract class AgentCommand implements Callable<Integer> {
  @ParentCommand
  Agentctl root;

  @Override
  public final Integer call() throws Exception {
    try (Target target = Target.open(globals())) {
      return run(target);
    }
  }

  /** The command's work; returns the exit code. */
  abstract int run(Target target) throws Exception;

  Agentctl.Globals globals() {
    return root.globals();
  }

  boolean json() {
    return root.json;
  }

  Console console() {
    return root.console();
  }

  PrintWriter out() {
    return root.console().out();
  }

  PrintWriter err() {
    return root.console().err();
  }

  /** Prints {@code json} with --json, otherwise {@code text}. */
  void emit(Json.Obj json, String text) {
    PrintWriter out = out();
    out.println(json() ? json.toString() : text);
    out.flush();
  }
}
