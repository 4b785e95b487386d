package io.quantix.agent.agentctl;

import io.quantix.agent.client.FileEntry;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl ls PATH}: a guest directory, like {@code ls -la}. */
@Command(name = "ls", description = {
    "List a guest directory.",
    "Every entry, dot-files included: type and permissions, owner, group, size, modification "
        + "time, name (and a link's target). With --json, one object per entry."})
final class LsCommand extends AgentCommand {
  @Parameters(paramLabel = "PATH", description = "absolute guest directory")
  String path;

  @Override
  int run(Target target) throws Exception {
    List<FileEntry> entries = Target.await(target.client().files().list(path));
    PrintWriter out = out();
    if (json()) {
      entries.forEach(e -> out.println(line(FileViews.json(e))));
    } else {
      Table table = new Table("MODE", "OWNER", "GROUP", "SIZE", "MODIFIED", "NAME").alignRight(3);
      for (FileEntry e : entries) {
        table.row(Format.permissions(FileViews.typeChar(e), e.permissions()),
            e.owner().isEmpty() ? "-" : e.owner(), e.group().isEmpty() ? "-" : e.group(),
            e.size(), FileViews.time(e.modifiedAt()), FileViews.name(e));
      }
      table.print(out);
      out.println(entries.size() + (entries.size() == 1 ? " entry" : " entries"));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
