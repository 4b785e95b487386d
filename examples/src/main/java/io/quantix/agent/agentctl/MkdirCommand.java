package io.quantix.agent.agentctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl mkdir [-p] PATH}: creates a guest directory. */
@Command(name = "mkdir", description = {
    "Create a guest directory.",
    "With -p, missing parents are created too, and an existing directory is no error."})
final class MkdirCommand extends AgentCommand {
  @Option(names = {"-p", "--parents"}, description = "create missing parents too")
  boolean parents;

  @Option(names = "--mode", paramLabel = "MODE", converter = Modes.class,
      description = "permission bits, e.g. 0750 (default: the guest's)")
  Integer mode;

  @Parameters(paramLabel = "PATH", description = "absolute guest path")
  String path;

  @Override
  int run(Target target) throws Exception {
    Target.await(target.client().files().mkdir(path, parents, mode == null ? 0 : mode));
    emit(Json.obj().put("vm", target.vmId()).put("path", path).put("created", true),
        "created " + target.vmId() + ":" + path);
    return ExitCodes.OK;
  }
}
