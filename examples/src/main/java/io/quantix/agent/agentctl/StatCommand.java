package io.quantix.agent.agentctl;

import io.quantix.agent.client.FileEntry;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl stat PATH}: one guest path's metadata (links are followed). */
@Command(name = "stat", description = "Metadata of one guest path (symbolic links are followed).")
final class StatCommand extends AgentCommand {
  @Parameters(paramLabel = "PATH", description = "absolute guest path")
  String path;

  @Override
  int run(Target target) throws Exception {
    FileEntry e = Target.await(target.client().files().stat(path));
    if (json()) {
      emit(FileViews.json(e), null);
      return ExitCodes.OK;
    }
    PrintWriter out = out();
    out.println("path      " + e.path());
    out.println("type      " + e.type());
    out.println("size      " + e.size() + (e.size() >= 1024 ? " (" + Format.bytes(e.size()) + ")" : ""));
    out.println("mode      " + Format.octal(e.permissions()) + " ("
        + Format.permissions(FileViews.typeChar(e), e.permissions()) + ")");
    out.println("owner     " + (e.owner().isEmpty() ? "-" : e.owner()) + ":"
        + (e.group().isEmpty() ? "-" : e.group()));
    out.println("modified  " + (e.modifiedAt() == null ? "-" : e.modifiedAt().toString()));
    out.println("created   " + (e.createdAt() == null ? "-" : e.createdAt().toString()));
    if (!e.symlinkTarget().isEmpty()) {
      out.println("target    " + e.symlinkTarget());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
