package io.quantix.agent.agentctl;

import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.TransferProgress;
import io.quantix.agent.client.TransferResult;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentctl pull REMOTE LOCAL}: copies a guest file here. */
@Command(name = "pull", description = {
    "Copy a guest file here.",
    "Writes LOCAL, or LOCAL/<name> when LOCAL is a directory, replacing it only once the "
        + "download is complete. A progress bar shows on a terminal (none when piped); "
        + "--timeout bounds the whole transfer (default: 30s per chunk)."})
final class PullCommand extends AgentCommand {
  @Parameters(index = "0", paramLabel = "REMOTE", description = "absolute guest path")
  String remote;

  @Parameters(index = "1", paramLabel = "LOCAL", description = "local file or directory")
  Path local;

  @Override
  public String timeoutHelp() {
    return "deadline of the whole transfer (default: none overall, 30s per chunk)";
  }

  @Override
  int run(Target target) throws Exception {
    Path to = local;
    if (Files.isDirectory(local)) {
      String name = remote.substring(remote.lastIndexOf('/') + 1);
      if (name.isEmpty()) {
        throw CliError.usage("'" + remote + "' names no file");
      }
      to = local.resolve(name);
    }
    TransferProgress progress = ProgressBar.forConsole(console(), json(), "pull " + remote);
    TransferResult r;
    try {
      r = Target.await(target.client().download(remote, to,
          DownloadOptions.DEFAULT.withProgress(progress)));
    } finally {
      if (progress instanceof ProgressBar bar) {
        bar.finish();
      }
    }
    emit(Json.obj().put("vm", target.vmId()).put("remote", remote).put("local", to.toString())
            .put("bytes", r.bytes()).put("chunks", r.chunks()).put("durationMillis", r.duration()),
        "pulled " + target.vmId() + ":" + remote + " to " + to + ": " + Format.bytes(r.bytes())
            + " in " + Format.duration(r.duration()) + " (" + Format.rate(r.mibPerSecond()) + ")");
    return ExitCodes.OK;
  }
}
