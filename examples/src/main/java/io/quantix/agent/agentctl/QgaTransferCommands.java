package io.quantix.agent.agentctl;

import io.quantix.agent.client.TransferProgress;
import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaTransfer;
import io.quantix.agent.qga.QgaTransferOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl qga push} and {@code pull}: files through guest-file-open/read/write/close. */
final class QgaTransferCommands {
  private QgaTransferCommands() {}

  static QgaTransferOptions options(int chunkKib, boolean noVerify, Duration timeout,
      TransferProgress progress) {
    QgaTransferOptions o = QgaTransferOptions.DEFAULT.withChunkBytes(chunkKib * 1024)
        .withVerifyInGuest(!noVerify).withProgress(progress::onProgress);
    return timeout == null ? o : o.withChunkTimeout(timeout);
  }

  /**
   * Runs one transfer with a progress bar (on a terminal, without --json) and prints its result.
   */
  static int transfer(QgaSubcommand cmd, String verb, String from, String to, int chunkKib,
      boolean noVerify, java.util.function.Function<QgaTransferOptions,
          java.util.concurrent.CompletableFuture<QgaTransfer>> start) throws Exception {
    TransferProgress progress = ProgressBar.forConsole(cmd.console(), cmd.json(), verb + " " + from);
    long begun = System.nanoTime();
    QgaTransfer t;
    try {
      t = Target.await(start.apply(options(chunkKib, noVerify,
          cmd.parent.root.globals().timeout(), progress)));
    } finally {
      if (progress instanceof ProgressBar bar) {
        bar.finish();
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - begun);
    cmd.emit(Json.obj().put("from", from).put("to", to).put("bytes", t.bytes())
            .put("chunks", t.chunks()).put("sha256", t.sha256())
            .put("guestVerified", t.guestVerified().orElse(null))
            .put("durationMillis", took.toMillis()),
        verb + "ed " + from + " to " + to + ": " + Format.bytes(t.bytes()) + " in "
            + Format.duration(took) + ", " + verified(t));
    return ExitCodes.OK;
  }

  static String verified(QgaTransfer t) {
    return t.guestVerified().map(ok -> ok ? "sha256 verified in the guest" : "sha256 MISMATCH")
        .orElse("not verified in the guest (no sha256sum there)");
  }

  /** The transfer options push and pull share. */
  static final class Chunking {
    @Option(names = "--chunk-kib", paramLabel = "KIB", description = "chunk size (default 1024)")
    int chunkKib = 1024;

    @Option(names = "--no-verify", description = "skip the guest-side sha256 check")
    boolean noVerify;
  }

  /** {@code agentctl qga push LOCAL REMOTE}. */
  @Command(name = "push", description = {
      "Copy a local file into the guest through qemu-ga, in chunks, then check its sha256 there.",
      "--timeout bounds each chunk."})
  static final class Push extends QgaSubcommand {
    @Parameters(index = "0", paramLabel = "LOCAL", description = "local file")
    Path local;

    @Parameters(index = "1", paramLabel = "REMOTE", description = "absolute guest path")
    String remote;

    @Mixin
    Chunking chunking = new Chunking();

    @Override
    int run(QgaClient qga, String endpoint) throws Exception {
      if (!Files.isRegularFile(local)) {
        throw CliError.usage("no such local file: " + local);
      }
      return transfer(this, "push", local.toString(), remote, chunking.chunkKib, chunking.noVerify,
          o -> qga.push(local, remote, o));
    }
  }

  /** {@code agentctl qga pull REMOTE LOCAL}. */
  @Command(name = "pull", description = {
      "Copy a guest file here through qemu-ga; LOCAL is replaced only when complete.",
      "--timeout bounds each chunk."})
  static final class Pull extends QgaSubcommand {
    @Parameters(index = "0", paramLabel = "REMOTE", description = "absolute guest path")
    String remote;

    @Parameters(index = "1", paramLabel = "LOCAL", description = "local file")
    Path local;

    @Mixin
    Chunking chunking = new Chunking();

    @Override
    int run(QgaClient qga, String endpoint) throws Exception {
      return transfer(this, "pull", remote, local.toString(), chunking.chunkKib, chunking.noVerify,
          o -> qga.pull(remote, local, o));
    }
  }
}
