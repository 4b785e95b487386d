package io.quantix.agent.agentctl;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.client.Quiesced;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentctl quiesce --then CMD}: freezes the guest's filesystems, runs a local command (the
 * hypervisor's snapshot, typically) and thaws in every outcome: the command failing, running past
 * the freeze window (it is then stopped), agentctl being interrupted (Ctrl-C thaws before exit).
 * The guest also thaws by itself after {@code --freeze-timeout}, should the host vanish.
 */
@Command(name = "quiesce", description = {
    "Freeze the guest's filesystems while a local command runs.",
    "Runs CMD here (through sh -c) while the guest's filesystems are frozen, typically the "
        + "hypervisor's disk snapshot, and thaws in every outcome: failure, timeout, Ctrl-C. "
        + "Exits with CMD's exit code once thawed. CMD must finish within --freeze-timeout (the "
        + "guest's own auto-thaw) and --timeout, or it is stopped (exit 4)."})
final class QuiesceCommand extends AgentCommand {
  /** How long a Ctrl-C waits for the thaw before the JVM exits. */
  private static final Duration THAW_ON_EXIT = Duration.ofSeconds(5);
  /**
   * How long the command's output is still copied once its shell has exited. A process the command
   * left running (backgrounded, or a child forked as the shell was being stopped) may hold the
   * output open for as long as it lives; the freeze must end with the shell, not with it.
   */
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(1);

  @Option(names = "--then", required = true, paramLabel = "CMD",
      description = "local command to run while frozen, e.g. 'virsh snapshot-create-as ...'")
  String then;

  @Option(names = "--mount", paramLabel = "PATH",
      description = "mount point to freeze (repeatable; default: every freezable filesystem)")
  List<String> mounts = new ArrayList<>();

  @Option(names = "--freeze-timeout", paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "the guest thaws by itself after this (default 60s, at most 1h)")
  Duration freezeTimeout;

  @Override
  void check() {
    Durations.wholeSeconds("--freeze-timeout", freezeTimeout);
  }

  @Override
  public String timeoutHelp() {
    return "deadline of the whole freeze-run-thaw (default 30s per request); CMD is stopped "
        + "when it passes (exit 4)";
  }

  @Override
  int run(Target target) throws Exception {
    QuiesceSpec spec = mounts.isEmpty() ? QuiesceSpec.allFilesystems() : QuiesceSpec.of(mounts);
    if (freezeTimeout != null) {
      spec = spec.withGuestTimeout(freezeTimeout);
    }
    AgentClient client = target.client();
    AtomicReference<Process> running = new AtomicReference<>();
    AtomicBoolean interrupted = new AtomicBoolean();
    CompletableFuture<Integer> done = client.snapshots().withQuiesced(spec,
        frozen -> runWhileFrozen(frozen, running, interrupted));
    // Ctrl-C or SIGTERM: stop the command and thaw before the JVM goes. The session stays open
    // meanwhile: this thread (main) is still waiting for `done`.
    Thread hook = new Thread(() -> thawOnExit(client, done, running, interrupted),
        "agentctl-thaw-on-exit");
    Runtime.getRuntime().addShutdownHook(hook);
    int code;
    try {
      code = Target.await(done);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook is running
      }
    }
    if (json()) {
      emitJson(Json.obj().put("command", then).put("exitCode", code).put("thawed", true));
    } else {
      err().println("agentctl: thawed; the command exited " + code);
      err().flush();
    }
    return code >= 0 && code <= 255 ? code : ExitCodes.FAILURE;
  }

  /**
   * The JVM is being stopped: stop the local command, let {@code withQuiesced} thaw (it does once
   * the command ended), and if that takes too long, thaw directly (a repeated thaw is harmless).
   */
  private void thawOnExit(AgentClient client, CompletableFuture<Integer> done,
      AtomicReference<Process> running, AtomicBoolean interrupted) {
    if (done.isDone()) {
      return;
    }
    interrupted.set(true);
    destroy(running.get());
    PrintWriter err = err();
    try {
      done.get(THAW_ON_EXIT.toMillis(), TimeUnit.MILLISECONDS);
      err.println("agentctl: interrupted: the command was stopped and the filesystems thawed");
    } catch (ExecutionException e) {
      err.println("agentctl: interrupted: " + Failures.classify(e).message());
    } catch (InterruptedException | TimeoutException e) {
      try {
        client.snapshots().thaw().get(THAW_ON_EXIT.toMillis(), TimeUnit.MILLISECONDS);
        err.println("agentctl: interrupted: filesystems thawed");
      } catch (InterruptedException | ExecutionException | TimeoutException failed) {
        err.println("agentctl: interrupted, and the thaw failed ("
            + Failures.classify(failed).message()
            + "); the guest thaws by itself when its freeze timeout ends");
      }
      done.cancel(true);
    }
    err.flush();
  }

  /**
   * Starts the local command once the guest is frozen; the returned future ends with its exit code.
   * Should the SDK cancel it (freeze window over), the command is stopped.
   */
  private CompletableFuture<Integer> runWhileFrozen(Quiesced frozen,
      AtomicReference<Process> running, AtomicBoolean interrupted) {
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    if (interrupted.get()) {
      exit.completeExceptionally(CliError.failure("interrupted before the command started"));
      return exit;
    }
    List<String> points = new ArrayList<>();
    frozen.filesystems().forEach(f -> points.add(f.mountPoint()));
    if (!json()) {
      err().println("agentctl: frozen " + (points.isEmpty() ? "(nothing)" : String.join(" ", points))
          + "; the guest thaws by itself at " + frozen.autoThawEstimate() + "; running: " + then);
      err().flush();
    }
    try {
      Process p = new ProcessBuilder("sh", "-c", then)
          .redirectInput(ProcessBuilder.Redirect.INHERIT).start();
      running.set(p);
      if (interrupted.get()) {
        destroy(p);
      }
      // With --json the command's stdout goes to stderr, keeping stdout one JSON object.
      Thread pumpOut = pump(p.getInputStream(), json() ? err() : out());
      Thread pumpErr = pump(p.getErrorStream(), err());
      p.onExit().thenRun(() -> {
        long drainUntil = System.nanoTime() + OUTPUT_DRAIN.toNanos();
        try {
          for (Thread pump : List.of(pumpOut, pumpErr)) {
            TimeUnit.NANOSECONDS.timedJoin(pump, Math.max(1, drainUntil - System.nanoTime()));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exit.complete(p.exitValue());
      });
      exit.whenComplete((code, failure) -> {
        if (exit.isCancelled()) {
          destroy(p);
        }
      });
    } catch (IOException e) {
      exit.completeExceptionally(CliError.failure("cannot run '" + then + "': " + e.getMessage()));
    }
    return exit;
  }

  private static Thread pump(InputStream in, PrintWriter to) {
    Thread t = new Thread(() -> {
      try (Reader r = new InputStreamReader(in, Charset.defaultCharset())) {
        char[] buf = new char[8192];
        for (int n; (n = r.read(buf)) > 0; ) {
          to.write(buf, 0, n);
          to.flush();
        }
      } catch (IOException e) {
        // the process ended or was stopped: nothing more to copy
      }
    }, "agentctl-quiesce-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Stops the command and what it started. The shell goes first: killed after its child, it could
   * still run the next command of its script (the write the freeze was meant to keep out).
   */
  private static void destroy(Process p) {
    if (p != null && p.isAlive()) {
      List<ProcessHandle> started = p.descendants().collect(Collectors.toList());
      p.destroy();
      started.forEach(ProcessHandle::destroy);
      // A child the shell forked after the first look, while it was not yet gone.
      p.descendants().forEach(ProcessHandle::destroy);
    }
  }
}
