package io.quantix.agent.qga.install;

import io.quantix.agent.AgentException;
import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaExec;
import io.quantix.agent.qga.QgaFilesystem;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The installer's first step, before any byte moves: the binary is an ELF for the guest's
 * architecture and truly static ({@link AgentBinary}), the guest filesystem under the install
 * root has room for two copies (the pushed temp file and the installed one), and the guest's
 * init system is known. Everything runs under {@code root}, a prefix tests use so that nothing of
 * the machine's own {@code /usr}, {@code /etc} or {@code /run} is looked at or touched.
 *
 * <pre>{@code
 * PreflightReport report = Preflight.run(qga, Path.of("quantix-agent"), "/").join();
 * }</pre>
 */
public final class Preflight {
  /** Headroom beyond two copies of the binary. */
  static final long HEADROOM = 1 << 20;

  private Preflight() {}

  /**
   * Checks {@code binary} against the guest behind {@code qga}, for an install under
   * {@code root} (absolute; {@code "/"} for a real install). The local checks fail before any I/O.
   */
  public static CompletableFuture<PreflightReport> run(QgaClient qga, Path binary, String root) {
    if (root == null || !root.startsWith("/") || root.contains("'")) {
      return CompletableFuture.failedFuture(AgentException.invalidArgument(
          "install root must be an absolute path without quotes: " + root));
    }
    AgentBinary bin;
    long size;
    try {
      bin = AgentBinary.inspect(binary);
      size = java.nio.file.Files.size(binary);
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    } catch (java.io.IOException e) {
      return CompletableFuture.failedFuture(AgentException.invalidArgument(
          "cannot read " + binary + ": " + e.getMessage()));
    }
    String prefix = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    return qga.osInfo().thenCompose(os -> {
      String machine = os.machine().orElseThrow(() -> AgentException.of(
          AgentException.Code.NOT_SUPPORTED, "guest-get-osinfo reports no machine (uname -m):"
              + " cannot check the binary's architecture"));
      bin.requireRunnableOn(machine);
      return qga.filesystems().thenCombine(detectInit(qga, prefix), (fs, init) -> {
        QgaFilesystem where = holding(fs, prefix.isEmpty() ? "/" : prefix);
        long free = where == null ? -1 : where.freeBytes().orElse(-1);
        if (free >= 0 && free < 2 * size + HEADROOM) {
          throw AgentException.of(AgentException.Code.RESOURCE_EXHAUSTED, "the guest has "
              + free + " bytes free on " + where.mountpoint() + "; installing " + binary
              + " needs " + (2 * size + HEADROOM));
        }
        return new PreflightReport(bin, machine, init, where == null ? null
            : where.mountpoint(), free);
      });
    });
  }

  /** The filesystem whose mountpoint is the longest prefix of {@code path}. */
  static QgaFilesystem holding(List<QgaFilesystem> all, String path) {
    QgaFilesystem best = null;
    for (QgaFilesystem fs : all) {
      String m = fs.mountpoint();
      boolean contains = m.equals("/") || path.equals(m) || path.startsWith(m + "/");
      if (contains && (best == null || m.length() > best.mountpoint().length())) {
        best = fs;
      }
    }
    return best;
  }

  static CompletableFuture<InitSystem> detectInit(QgaClient qga, String prefix) {
    String script = "if [ -d '" + prefix + "/run/systemd/system' ]; then echo systemd;"
        + " elif [ -e '" + prefix + "/run/openrc/softlevel' ] || { [ -z '" + prefix + "' ]"
        + " && command -v openrc-run >/dev/null 2>&1; }; then echo openrc; else echo none; fi";
    return qga.exec(QgaExec.shell(script)).thenApply(r -> {
      if (!r.succeeded()) {
        throw AgentException.remote("init system detection", r.stderrText().trim());
      }
      switch (r.stdoutText().trim()) {
        case "systemd":
          return InitSystem.SYSTEMD;
        case "openrc":
          return InitSystem.OPENRC;
        default:
          return InitSystem.NONE;
      }
    });
  }
}
