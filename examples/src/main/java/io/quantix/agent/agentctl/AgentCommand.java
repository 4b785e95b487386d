package io.quantix.agent.agentctl;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand that talks to one VM: it opens the {@link Target} from the global options, runs,
 * closes it, and returns the exit code. Failures propagate to the root's handler, which maps them.
 * It may sit at any depth ({@code agentctl svc start}): the root is found through the model.
 */
@Command
abstract class AgentCommand implements Callable<Integer>, TimeoutHelp {
  /** The root command (set before {@link #run}). */
  Agentctl root;

  @Spec
  CommandSpec spec;

  private Target target;

  @Override
  public final Integer call() throws Exception {
    root = Agentctl.root(spec);
    check();
    try (Target t = Target.open(globals())) {
      target = t;
      return run(t);
    }
  }

  @Override
  public String timeoutHelp() {
    return REQUEST;
  }

  /** Checks the arguments before anything connects; throws a {@link CliError} when they are bad. */
  void check() {}

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

  /** {@code body} inside the envelope of the VM this command talks to. */
  Json.Obj line(Json.Obj body) {
    return Json.line(target.vmId(), target.endpoint(), body);
  }

  /** Prints {@code json} (inside the envelope) with --json, otherwise {@code text}. */
  void emit(Json.Obj json, String text) {
    PrintWriter out = out();
    out.println(json() ? line(json).toString() : text);
    out.flush();
  }

  /** Prints one JSON line (inside the envelope), whatever the output mode. */
  void emitJson(Json.Obj json) {
    PrintWriter out = out();
    out.println(line(json));
    out.flush();
  }
}
