package io.quantix.agent.qga.install;

import io.quantix.agent.AgentException;
import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaExec;
import io.quantix.agent.qga.QgaTransferOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the agent's config in the guest: pushed to the private staging directory, verified,
 * then copied next to its target as {@code .new} with mode 0600 (umask 077 first, so it is never
 * readable by others even for an instant) and renamed over it (atomic); the previous file is kept
 * as {@code .prev} until the rollback decides. The contents never appear in a message.
 */
final class ConfigWrite {
  private static final String SCRIPT = "set -e; umask 077; tmp=\"$1\"; cfg=\"$2\";"
      + " mkdir -p \"$(dirname \"$cfg\")\"; rm -f \"$cfg.prev\" \"$cfg.new\";"
      + " if [ -f \"$cfg\" ]; then cp -p \"$cfg\" \"$cfg.prev\"; fi;"
      + " cp \"$tmp\" \"$cfg.new\"; chmod 0600 \"$cfg.new\";"
      + " mv -f \"$cfg.new\" \"$cfg\"; rm -f \"$tmp\"";
  private static final String ROLLBACK = "cfg=\"$1\"; if [ -f \"$cfg.prev\" ];"
      + " then mv -f \"$cfg.prev\" \"$cfg\"; else rm -f \"$cfg\"; fi";

  private final Path local;
  private final String sha;
  private final String target;

  private ConfigWrite(Path local, String sha, String target) {
    this.local = local;
    this.sha = sha;
    this.target = target;
  }

  /**
   * Reads the config into a local 0600 temp file (push takes a file). Runs before any I/O to the
   * guest, so an unreadable config fails the CHECKED step.
   */
  static ConfigWrite prepare(AgentConfigFile config, String prefix) {
    byte[] bytes = null;
    try {
      bytes = config.read();
      Path tmp = Files.createTempFile("quantix-agent-config", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, bytes);
      return new ConfigWrite(tmp, AgentInstaller.sha256(tmp), prefix + config.guestPath());
    } catch (IOException e) {
      throw AgentInstaller.failed(InstallStep.CHECKED, "cannot read the agent config for "
          + config.guestPath() + ": " + e.getClass().getSimpleName(), null);
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  String target() {
    return target;
  }

  /** True when the guest already has exactly this config. */
  CompletableFuture<Boolean> unchanged(QgaClient qga) {
    return qga.exec(QgaExec.of("sha256sum", "--", target)).handle((r, e) -> e == null
        && r.succeeded() && r.stdoutText().startsWith(sha));
  }

  /** Pushes, verifies in the guest, and renames into place with mode 0600. */
  CompletableFuture<Void> write(QgaClient qga, String stage) {
    String tmp = stage + "/config." + Long.toHexString(ThreadLocalRandom.current().nextLong());
    return qga.push(local, tmp, QgaTransferOptions.DEFAULT).thenCompose(t -> {
      if (!t.guestVerified().orElse(false) || !t.sha256().equals(sha)) {
        throw AgentException.remote("sha256sum", "the guest could not confirm the sha256 of "
            + tmp);
      }
      return run(qga, SCRIPT, tmp, target);
    });
  }

  /** Puts the previous config back, or removes the one this install wrote first. */
  CompletableFuture<Void> rollback(QgaClient qga) {
    return run(qga, ROLLBACK, target);
  }

  /** Deletes the local copy. */
  void discard() {
    try {
      Files.deleteIfExists(local);
    } catch (IOException e) {
      // A temp file left behind is 0600 and in the temp dir: nothing more to do.
    }
  }

  private static CompletableFuture<Void> run(QgaClient qga, String script, String... args) {
    String[] argv = new String[args.length + 3];
    argv[0] = "-c";
    argv[1] = script;
    argv[2] = "sh";
    System.arraycopy(args, 0, argv, 3, args.length);
    return qga.exec(QgaExec.of("/bin/sh", argv)).thenAccept(r -> {
      if (!r.succeeded()) {
        throw AgentException.remote("config write", r.stderrText().trim() + " (exit "
            + r.exit() + ")");
      }
    });
  }
}
