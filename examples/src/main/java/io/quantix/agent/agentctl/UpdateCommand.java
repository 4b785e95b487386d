package io.quantix.agent.agentctl;

import io.quantix.agent.client.TransferProgress;
import io.quantix.agent.client.UpdateOptions;
import io.quantix.agent.client.UpdateResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl update BINARY --version V [--restart]}: replaces the agent's own binary. */
@Command(name = "update", description = {"Replace the guest agent's binary.",
    "Uploads BINARY with its sha256 (the agent checks it before installing). The agent does not "
        + "restart itself: with --restart agentctl restarts its service and waits (up to "
        + "--restart-timeout) for it to come back announcing version V."})
final class UpdateCommand extends AgentCommand {
  @Parameters(paramLabel = "BINARY", description = "the new agent executable")
  Path binary;

  @Option(names = "--version", required = true, paramLabel = "V",
      description = "the version BINARY is, e.g. 0.1.28")
  String version;

  @Option(names = "--restart", description = "restart the agent and wait for version V")
  boolean restart;

  @Option(names = "--restart-timeout", paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "how long to wait for the restarted agent (default 2m)")
  Duration restartTimeout = UpdateOptions.DEFAULT_RESTART_TIMEOUT;

  @Override
  public String timeoutHelp() {
    return "deadline of each upload chunk (default 30s); the wait after --restart is "
        + "--restart-timeout";
  }

  @Override
  int run(Target target) throws Exception {
    if (!Files.isRegularFile(binary)) {
      throw new NoSuchFileException(binary.toString());
    }
    TransferProgress progress = ProgressBar.forConsole(console(), json(), "update " + version);
    UpdateOptions options = UpdateOptions.DEFAULT.withProgress(progress);
    options = restart ? options.withRestart(restartTimeout) : options.withoutRestart();
    UpdateResult r;
    try {
      r = Target.await(target.client().updates().push(binary, version, options));
    } finally {
      if (progress instanceof ProgressBar bar) {
        bar.finish();
      }
    }
    emit(Json.obj().put("binary", binary.toString()).put("targetVersion", r.targetVersion())
            .put("sha256", r.sha256()).put("bytes", r.bytes()).put("chunks", r.chunks())
            .put("reportedVersion", r.reportedVersion())
            .put("restartRequired", r.restartRequired())
            .put("runningVersion", r.runningVersion()).put("restarted", r.restarted())
            .put("durationMillis", r.duration()),
        target.vmId() + ": agent " + r.targetVersion() + " installed (" + Format.bytes(r.bytes())
            + ", sha256 " + r.sha256() + ")" + (r.restarted()
            ? "; restarted, now running " + r.runningVersion()
            : r.restartRequired() ? "; restart the agent to run it (or use --restart)" : ""));
    return ExitCodes.OK;
  }

}
