package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.testkit.internal.BuiltInShell.Capture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * execute from the built-in command set, with the agent's semantics and nothing run on the host:
 * the command is a guest process (listed by list_processes, ended by kill_process) running on a
 * worker thread; its timeout answers exit -1 with partial output discarded, and kills it unless
 * configured to leave it running as the agent does; more than a pipe buffer of stderr stalls it
 * until then; wait_for_exit=false answers exit 0 at once while it runs on. Not API.
 */
final class BuiltInExec {
  /** The guest's environment before the request's variables are added. */
  private static final Map<String, String> BASE_ENV = Map.of(
      "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SHELL", "/bin/sh", "LANG", "C.UTF-8");

  private final Lazy<Sandbox, IOException> sandbox;
  private final GuestInfo guest;
  private final Lazy<GuestStateImpl, RuntimeException> state;
  private final boolean killTimedOut;
  private final ScheduledExecutorService timers;
  private final Executor workers;

  BuiltInExec(Lazy<Sandbox, IOException> sandbox, GuestInfo guest, Lazy<GuestStateImpl, RuntimeException> state,
      boolean killTimedOut, ScheduledExecutorService timers, Executor workers) {
    this.sandbox = sandbox;
    this.guest = guest;
    this.state = state;
    this.killTimedOut = killTimedOut;
    this.timers = timers;
    this.workers = workers;
  }

  /** A built-in command's run: the worker thread it holds while it runs, so it can be killed. */
  private static final class Run {
    private Thread thread;
    private boolean killed;

    synchronized boolean begin() {
      thread = Thread.currentThread();
      return !killed;
    }

    synchronized void end() {
      thread = null;
      Thread.interrupted();
    }

    synchronized void kill() {
      killed = true;
      if (thread != null) {
        thread.interrupt();
      }
    }
  }

  CompletionStage<AgentMessage> execute(AgentMessage request, int timeoutSeconds, int cap, long started) {
    ExecuteRequest r = request.getExecute();
    String user = r.getRunAsUser().isEmpty() ? "root" : r.getRunAsUser();
    String cwd = r.getWorkingDirectory().isEmpty() ? "/" : r.getWorkingDirectory();
    Sandbox root;
    try {
      root = sandbox.get();
      if (!Files.isDirectory(root.resolve(cwd))) {
        return ExecHandler.done(request, ExecHandler.spawnFailure("No such file or directory (os error 2)"));
      }
    } catch (IOException | GuestError e) {
      return ExecHandler.done(request, ExecHandler.spawnFailure("No such file or directory (os error 2)"));
    }
    Map<String, String> env = new LinkedHashMap<>(BASE_ENV);
    env.put("HOME", user.equals("root") ? "/root" : "/home/" + user);
    env.put("USER", user);
    env.put("LOGNAME", user);
    env.putAll(r.getEnvironmentMap());
    GuestStateImpl guestState = state.get();
    Run run = new Run();
    int pid = guestState.commandStarted(ExecHandler.commandLine(r), user, run::kill);
    BuiltInShell shell = new BuiltInShell(root, guest, env, cwd, user, pid);
    Capture out = new Capture(cap, false);
    Capture err = new Capture(cap, true);
    CompletableFuture<AgentMessage> result = new CompletableFuture<>();
    ScheduledFuture<?> timer = !r.getWaitForExit() ? null : timers.schedule(() -> {
      ExecuteResponse.Builder timedOut = ExecuteResponse.newBuilder().setExitCode(-1).setTimedOut(true)
          .setStderr("Command timed out after " + timeoutSeconds + " seconds").setDurationMs(ExecHandler.millisSince(started));
      if (result.complete(Messages.replyTo(request).setExecuteResponse(timedOut).build()) && killTimedOut) {
        run.kill();
      }
    }, timeoutSeconds, TimeUnit.SECONDS);
    try {
      workers.execute(() -> {
        try {
          int exit = run.begin() ? runCommand(shell, r, out, err) : -1;
          if (exit == Integer.MIN_VALUE) {
            result.complete(Messages.replyTo(request).setExecuteResponse(
                ExecHandler.spawnFailure("No such file or directory (os error 2)")).build());
          } else {
            result.complete(Messages.replyTo(request).setExecuteResponse(ExecuteResponse.newBuilder()
                .setExitCode(exit)
                .setStdout(new String(out.bytes(), StandardCharsets.UTF_8))
                .setStderr(new String(err.bytes(), StandardCharsets.UTF_8))
                .setTruncated(out.truncated() || err.truncated())
                .setDurationMs(ExecHandler.millisSince(started))).build());
          }
        } finally {
          if (timer != null) {
            timer.cancel(false);
          }
          guestState.commandEnded(pid);
          run.end();
        }
      });
    } catch (RejectedExecutionException e) {
      guestState.commandEnded(pid);
      if (timer != null) {
        timer.cancel(false);
      }
      return ExecHandler.done(request, ExecHandler.spawnFailure("agent too busy"));
    }
    if (!r.getWaitForExit()) {
      return ExecHandler.done(request, ExecuteResponse.newBuilder().setExitCode(0)
          .setDurationMs(ExecHandler.millisSince(started)));
    }
    return result;
  }

  /**
   * Runs the command to its end: its exit status, -1 when killed, {@code Integer.MIN_VALUE} when a
   * program named with arguments does not exist (a spawn failure). A stalled command waits until
   * it is killed.
   */
  private static int runCommand(BuiltInShell shell, ExecuteRequest r, Capture out, Capture err) {
    try {
      try {
        if (r.getArgsCount() == 0) {
          return shell.script(r.getCommand(), out, err);
        }
        List<String> argv = new ArrayList<>();
        argv.add(r.getCommand());
        argv.addAll(r.getArgsList());
        int exit = shell.run(argv, new byte[0], out, err, false);
        return exit == -1 && !BuiltInCommands.NAMES.contains(String.valueOf(BuiltInCommands.programName(r.getCommand())))
            ? Integer.MIN_VALUE : exit;
      } catch (BuiltInShell.Exit e) {
        return e.status;
      } catch (BuiltInShell.Stalled stalled) {
        Timing.waitFor(shell, Long.MAX_VALUE);
        return -1;
      }
    } catch (InterruptedException | Timing.DeadlineReached killed) {
      return -1;
    }
  }
}
