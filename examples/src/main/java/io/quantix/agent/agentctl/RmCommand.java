package io.quantix.agent.agentctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl rm [-r] PATH}: deletes a guest file, link or (empty) directory. */
@Command(name = "rm", description = {
    "Delete a guest file, link or directory.",
    "Without -r a directory must be empty; -r deletes it with everything below. A filesystem "
        + "root is refused."})
final class RmCommand extends AgentCommand {
  @Option(names = {"-r", "--recursive"}, description = "delete a directory with its contents")
  boolean recursive;

  @Parameters(paramLabel = "PATH", description = "absolute guest path")
  String path;

  @Override
  int run(Target target) throws Exception {
    Target.await(recursive ? target.client().files().deleteRecursively(path)
        : target.client().files().delete(path));
    emit(Json.obj().put("vm", target.vmId()).put("path", path).put("recursive", recursive)
        .put("removed", true), "removed " + target.vmId() + ":" + path);
    return ExitCodes.OK;
  }
}
