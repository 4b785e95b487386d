package io.quantix.agent.qga.install;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaExec;
import io.quantix.agent.qga.QgaExecResult;
import io.quantix.agent.qga.QgaTransferOptions;
import io.quantix.agent.qga.registry.GuestAgents;
import io.quantix.agent.registry.AgentRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one-click install through qemu-ga: preflight before any byte moves, push to a private
 * temp directory, sha256 verified in the guest, atomic install with mode 0755 (the previous
 * binary kept), SELinux label applied when enforcing, service (re)started, then readiness awaited
 * <em>through the registry</em> (never a second connection to the single-client channel). A
 * binary identical to the installed one is a no-op; an agent that never becomes ready is rolled
 * back to the previous binary (or removed, on a first install). Failures are AgentExceptions
 * whose message names the step.
 *
 * <pre>{@code
 * AgentInstaller installer = new AgentInstaller(guestAgents);
 * InstallResult r = installer.install("vm-42", InstallSpec.of(Path.of("quantix-agent"))
 *     .withExpectedVersion("0.1.27"), InstallProgress.NONE).join();
 * }</pre>
 */
public final class AgentInstaller {
  /**
   * cp + chmod rather than coreutils' {@code install}: busybox guests often lack the install
   * applet (Debian's busybox-static does; seen in the QEMU tier's guest).
   */
  private static final String INSTALL_SCRIPT = "set -e; tmp=\"$1\"; bin=\"$2\";"
      + " mkdir -p \"$(dirname \"$bin\")\"; if [ -f \"$bin\" ]; then cp -p \"$bin\" \"$bin.prev\"; fi;"
      + " rm -f \"$bin.new\"; cp \"$tmp\" \"$bin.new\"; chmod 0755 \"$bin.new\";"
      + " mv -f \"$bin.new\" \"$bin\"; rm -f \"$tmp\";"
      + " if command -v getenforce >/dev/null 2>&1 && [ \"$(getenforce)\" != Disabled ]; then"
      + " chcon -t bin_t \"$bin\" 2>/dev/null || restorecon \"$bin\"; ls -Z \"$bin\" | cut -d' ' -f1; fi";
  private static final String ROLLBACK_SCRIPT = "bin=\"$1\"; if [ -f \"$bin.prev\" ];"
      + " then mv -f \"$bin.prev\" \"$bin\"; else rm -f \"$bin\"; fi";

  private final GuestAgents agents;

  /** An installer over both channels of {@code agents}. */
  public AgentInstaller(GuestAgents agents) {
    this.agents = Objects.requireNonNull(agents, "agents");
  }

  /** Installs (or upgrades) the agent of {@code vmId}. */
  public CompletableFuture<InstallResult> install(String vmId, InstallSpec spec,
      InstallProgress progress) {
    QgaClient qga;
    try {
      qga = agents.qga(vmId);
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return new Run(vmId, spec, progress, qga).start();
  }

  /**
   * Stops and removes the service (the spec's, or the detected init system's) and removes the
   * binary and the kept previous one.
   */
  public CompletableFuture<Void> uninstall(String vmId, InstallSpec spec) {
    QgaClient qga;
    try {
      qga = agents.qga(vmId);
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    }
    String bin = spec.installedPath();
    String prefix = spec.root().equals("/") ? "" : spec.root().replaceAll("/+$", "");
    CompletableFuture<ServiceManager> service = spec.service() != null
        ? CompletableFuture.completedFuture(spec.service())
        : Preflight.detectInit(qga, prefix).thenApply(init -> init == InitSystem.SYSTEMD
            ? ServiceManager.systemd() : init == InitSystem.OPENRC ? ServiceManager.openRc()
            : spec.service());
    return service.thenCompose(s -> s == null ? CompletableFuture.completedFuture((Void) null)
            : s.remove(qga, bin))
        .thenCompose(v -> qga.exec(QgaExec.of("/bin/rm", "-f", bin, bin + ".prev")))
        .thenAccept(r -> {
          if (!r.succeeded()) {
            throw AgentException.remote("uninstall", r.stderrText().trim());
          }
        });
  }

  private final class Run {
    final String vmId;
    final InstallSpec spec;
    final InstallProgress progress;
    final QgaClient qga;
    final Map<InstallStep, Duration> timings = new EnumMap<>(InstallStep.class);
    final String bin;
    long mark = System.nanoTime();
    String localSha;
    String label;
    String stage;
    ConfigWrite config;
    boolean binaryReplaced;
    boolean configWritten;

    Run(String vmId, InstallSpec spec, InstallProgress progress, QgaClient qga) {
      this.vmId = vmId;
      this.spec = spec;
      this.progress = progress;
      this.qga = qga;
      this.bin = spec.installedPath();
    }

    void done(InstallStep step, String detail) {
      long now = System.nanoTime();
      timings.merge(step, Duration.ofNanos(now - mark), Duration::plus);
      mark = now;
      progress.onStep(step, detail);
    }

    CompletableFuture<InstallResult> start() {
      String root = spec.root();
      String prefix = root.equals("/") ? "" : root.replaceAll("/+$", "");
      stage = prefix + "/var/lib/quantix-agent-install";
      if (spec.config() != null) {
        try {
          config = ConfigWrite.prepare(spec.config(), prefix);
        } catch (AgentException e) {
          return CompletableFuture.failedFuture(e);
        }
      }
      return run(root).whenComplete((r, e) -> {
        if (config != null) {
          config.discard();
        }
      });
    }

    CompletableFuture<InstallResult> run(String root) {
      String tmp = stage + "/quantix-agent." + Long.toHexString(
          ThreadLocalRandom.current().nextLong());
      return step(InstallStep.CHECKED, Preflight.run(qga, spec.binary(), root))
          .thenCompose(report -> {
            done(InstallStep.CHECKED, report.binary().architecture() + ", static, "
                + report.initSystem() + ", " + report.freeBytes().orElse(-1) + " bytes free");
            ServiceManager service = service(report.initSystem());
            localSha = sha256(spec.binary());
            return installedSha().thenCompose(existing -> {
              if (localSha.equals(existing)) {
                return config == null ? alreadyInstalled() : config.unchanged(qga)
                    .thenCompose(same -> same ? alreadyInstalled()
                        : configureAndStart(service));
              }
              return step(InstallStep.PUSHED,
                  exec(QgaExec.of("/bin/mkdir", "-p", "-m", "0700", stage)))
                  .thenCompose(v -> step(InstallStep.PUSHED, qga.push(spec.binary(), tmp,
                      QgaTransferOptions.DEFAULT)))
                  .thenCompose(t -> {
                    done(InstallStep.PUSHED, t.bytes() + " bytes");
                    if (!t.guestVerified().orElse(false) || !t.sha256().equals(localSha)) {
                      throw failed(InstallStep.VERIFIED, "the guest could not confirm the sha256"
                          + " of " + tmp + " (no sha256sum there, or the file changed)", null);
                    }
                    done(InstallStep.VERIFIED, "sha256 " + localSha);
                    return installAndStart(tmp, service);
                  });
            });
          });
    }

    ServiceManager service(InitSystem init) {
      if (spec.service() != null) {
        return spec.service();
      }
      switch (init) {
        case SYSTEMD:
          return ServiceManager.systemd();
        case OPENRC:
          return ServiceManager.openRc();
        default:
          throw failed(InstallStep.CHECKED, "the guest has neither systemd nor OpenRC: give a"
              + " ServiceManager (InstallSpec.withService)", null);
      }
    }

    CompletableFuture<String> installedSha() {
      return qga.exec(QgaExec.of("sha256sum", "--", bin)).handle((r, e) -> e == null
          && r.succeeded() && r.stdoutText().length() >= 64 ? r.stdoutText().substring(0, 64)
          : null);
    }

    CompletableFuture<InstallResult> alreadyInstalled() {
      return waitReady(Duration.ofSeconds(10)).thenApply(version -> {
        done(InstallStep.READY, version + " (binary unchanged: nothing installed)");
        return new InstallResult(version, true, null, timings);
      });
    }

    CompletableFuture<InstallResult> installAndStart(String tmp, ServiceManager service) {
      return step(InstallStep.INSTALLED, exec(QgaExec.of("/bin/sh", "-c", INSTALL_SCRIPT, "sh",
              tmp, bin)))
          .thenCompose(out -> {
            label = out.isBlank() ? null : out.trim();
            binaryReplaced = true;
            done(InstallStep.INSTALLED, bin + (label == null ? "" : " " + label));
            return configureAndStart(service);
          });
    }

    /**
     * Writes the config when given and different (a second INSTALLED event: it is part of the
     * install), then (re)starts the service and waits for readiness; rolls back on failure.
     */
    CompletableFuture<InstallResult> configureAndStart(ServiceManager service) {
      CompletableFuture<Void> configured = config == null
          ? CompletableFuture.completedFuture(null)
          : config.unchanged(qga).thenCompose(same -> {
            if (same) {
              done(InstallStep.INSTALLED, "config " + config.target() + " unchanged");
              return CompletableFuture.completedFuture(null);
            }
            configWritten = true;
            return config.write(qga, stage).thenRun(() -> done(InstallStep.INSTALLED,
                "config " + config.target() + " written (mode 0600)"));
          });
      return configured.handle((ok, failed) -> {
        if (failed != null) {
          return rollback(service, InstallStep.INSTALLED, failed);
        }
        return service.restart(qga, bin).handle((v, e) -> {
          if (e != null) {
            return rollback(service, InstallStep.STARTED, e);
          }
          done(InstallStep.STARTED, "service restarted");
          return waitReady(spec.readyTimeout()).handle((version, notReady) -> {
            if (notReady != null) {
              return rollback(service, InstallStep.READY, notReady);
            }
            done(InstallStep.READY, version);
            return CompletableFuture.completedFuture(
                new InstallResult(version, false, label, timings));
          }).thenCompose(f -> f);
        }).thenCompose(f -> f);
      }).thenCompose(f -> f);
    }

    /** Puts the previous binary back (or removes a first install) and restarts it. */
    CompletableFuture<InstallResult> rollback(ServiceManager service, InstallStep step,
        Throwable why) {
      String undone = binaryReplaced
          ? "; rolled back to the previous binary (removed on a first install)" : "";
      if (configWritten) {
        undone += "; config " + config.target() + " rolled back";
      }
      AgentException cause = failed(step, AgentException.from(why).getMessage() + undone, why);
      CompletableFuture<?> binaryBack = binaryReplaced
          ? exec(QgaExec.of("/bin/sh", "-c", ROLLBACK_SCRIPT, "sh", bin))
          : CompletableFuture.completedFuture(null);
      return binaryBack
          .thenCompose(v -> configWritten ? config.rollback(qga)
              : CompletableFuture.completedFuture(null))
          .thenCompose(v -> binaryReplaced || configWritten
              ? service.restart(qga, bin).exceptionally(e -> null)
              : CompletableFuture.completedFuture(null))
          .handle((v, e) -> {
            if (e != null) {
              cause.addSuppressed(e);
            }
            throw cause;
          });
    }

    CompletableFuture<String> waitReady(Duration timeout) {
      AgentRegistry registry = agents.registry();
      registry.client(vmId);
      CompletableFuture<String> ready = new CompletableFuture<>();
      Subscription sub = registry.addStatusListener((prev, cur) -> {
        if (vmId.equals(cur.vmId())) {
          check(cur, ready);
        }
      });
      check(registry.status(vmId), ready);
      ready.whenComplete((v, e) -> sub.close());
      return ready.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e ->
          CompletableFuture.failedFuture(e instanceof TimeoutException
              || e.getCause() instanceof TimeoutException
              ? AgentException.of(AgentException.Code.DEADLINE_EXCEEDED, "the agent did not"
                  + " become ready" + spec.version().map(v -> " with version " + v).orElse("")
                  + " within " + timeout.toSeconds() + " s (last status: "
                  + registry.status(vmId).state() + ")") : e));
    }

    void check(AgentStatus s, CompletableFuture<String> ready) {
      if (s.state() != AgentState.CONNECTED) {
        return;
      }
      String version = s.agentInfo().map(AgentInfo::version).orElse("");
      if (spec.version().map(version::equals).orElse(true)) {
        ready.complete(version);
      }
    }

    CompletableFuture<String> exec(QgaExec exec) {
      return qga.exec(exec).thenApply((QgaExecResult r) -> {
        if (!r.succeeded()) {
          throw AgentException.remote(exec.path(), (r.stderrText() + r.stdoutText()).trim()
              + " (exit " + r.exit() + ")");
        }
        return r.stdoutText();
      });
    }

    <T> CompletableFuture<T> step(InstallStep step, CompletableFuture<T> work) {
      return work.exceptionallyCompose(e -> {
        AgentException a = AgentException.from(e);
        return CompletableFuture.failedFuture(a.getMessage().startsWith("install failed at")
            ? a : failed(step, a.getMessage(), e));
      });
    }
  }

  static String sha256(java.nio.file.Path file) {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw failed(InstallStep.CHECKED, "cannot read " + file + ": " + e.getMessage(), null);
    }
  }

  /** The typed failure naming the step that could not be completed. */
  static AgentException failed(InstallStep step, String detail, Throwable cause) {
    AgentException.Code code = cause == null ? AgentException.Code.INVALID_ARGUMENT
        : AgentException.from(cause).code();
    return AgentException.of(code, "install failed at step " + step + ": " + detail, cause);
  }
}
