package io.quantix.agent.agentctl;

import io.quantix.agent.client.TransferProgress;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl push LOCAL REMOTE}: copies a local file into the guest. */
@Command(name = "push", description = {
    "Copy a local file into the guest.",
    "A REMOTE ending in / gets the local file's name. A progress bar shows on a terminal (none "
        + "when piped); --timeout bounds the whole transfer (default: 30s per chunk)."})
final class PushCommand extends AgentCommand {
  @Parameters(index = "0", paramLabel = "LOCAL", description = "local file")
  Path local;

  @Parameters(index = "1", paramLabel = "REMOTE", description = "absolute guest path")
  String remote;

  @Option(names = "--mode", paramLabel = "MODE", converter = Modes.class,
      description = "permission bits of the guest file, e.g. 0644 (default: the agent's)")
  Integer mode;

  @Option(names = {"-p", "--parents"}, description = "create missing guest directories")
  boolean parents;

  @Override
  public String timeoutHelp() {
    return "deadline of the whole transfer (default: none overall, 30s per chunk)";
  }

  @Override
  int run(Target target) throws Exception {
    if (!Files.exists(local)) {
      throw new NoSuchFileException(local.toString());
    }
    if (!Files.isRegularFile(local)) {
      throw CliError.usage(local + " is not a regular file (push copies one file)");
    }
    String to = remote.endsWith("/") ? remote + local.getFileName() : remote;
    TransferProgress progress = ProgressBar.forConsole(console(), json(), "push " + to);
    UploadOptions options = UploadOptions.DEFAULT.withCreateParents(parents).withProgress(progress);
    if (mode != null) {
      options = options.withMode(mode);
    }
    TransferResult r;
    try {
      r = Target.await(target.client().upload(local, to, options));
    } finally {
      if (progress instanceof ProgressBar bar) {
        bar.finish();
      }
    }
    emit(Json.obj().put("vm", target.vmId()).put("local", local.toString()).put("remote", to)
            .put("bytes", r.bytes()).put("chunks", r.chunks()).put("durationMillis", r.duration()),
        "pushed " + local + " to " + target.vmId() + ":" + to + ": " + Format.bytes(r.bytes())
            + " in " + Format.duration(r.duration()) + " (" + Format.rate(r.mibPerSecond()) + ")");
    return ExitCodes.OK;
  }
}
