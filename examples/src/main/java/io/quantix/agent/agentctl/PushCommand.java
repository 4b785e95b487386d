package io.quantix.agent.agentctl;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.TransferProgress;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl push LOCAL REMOTE}: copies a local file into the guest. The data goes to a
 * temporary name beside REMOTE, which is renamed over REMOTE in the guest only once complete, so
 * REMOTE is never a partial file; on failure or Ctrl-C the temporary file is deleted.
 */
@Command(name = "push", description = {
    "Copy a local file into the guest.",
    "A REMOTE ending in / gets the local file's name. The data is written to a temporary name "
        + "in REMOTE's directory (.NAME.agentctl-XXXXXXXX.part) and renamed over REMOTE with the "
        + "guest's mv once complete, so REMOTE is never a partial file; on failure or Ctrl-C the "
        + "temporary file is deleted. --in-place writes REMOTE directly (guests without mv). "
        + "A progress bar shows on a terminal (none when piped)."})
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

  @Option(names = "--in-place", description = "write REMOTE directly, without a temporary name "
      + "and rename (a failure then leaves a partial file)")
  boolean inPlace;

  @Override
  public String timeoutHelp() {
    return "deadline of the whole transfer (default: none overall, 30s per chunk)";
  }

  @Override
  void check() {
    if (!remote.startsWith("/")) {
      throw CliError.usage("REMOTE must be an absolute guest path, was '" + remote + "'");
    }
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
    String written = inPlace ? to : GuestRename.temporaryName(to);
    TransferProgress progress = ProgressBar.forConsole(console(), json(), "push " + to);
    UploadOptions options = UploadOptions.DEFAULT.withCreateParents(parents).withProgress(progress);
    if (mode != null) {
      options = options.withMode(mode);
    }
    AgentClient client = target.client();
    CompletableFuture<TransferResult> upload = client.upload(local, written, options);
    GuestRename.Cleanup cleanup = inPlace ? null
        : GuestRename.deleteOnExit(target.plainClient(), written, upload);
    TransferResult r;
    try {
      r = Target.await(upload);
      if (!inPlace) {
        GuestRename.rename(target.plainClient(), written, to);
      }
    } catch (Exception | Error e) {
      if (cleanup != null) {
        cleanup.now();
      }
      throw e;
    } finally {
      if (cleanup != null) {
        cleanup.disarm();
      }
      if (progress instanceof ProgressBar bar) {
        bar.finish();
      }
    }
    emit(Json.obj().put("local", local.toString()).put("remote", to)
            .put("bytes", r.bytes()).put("chunks", r.chunks()).put("durationMillis", r.duration())
            .put("renamedFrom", inPlace ? null : written),
        "pushed " + local + " to " + target.vmId() + ":" + to + ": " + Format.bytes(r.bytes())
            + " in " + Format.duration(r.duration()) + " (" + Format.rate(r.mibPerSecond()) + ")");
    return ExitCodes.OK;
  }
}
