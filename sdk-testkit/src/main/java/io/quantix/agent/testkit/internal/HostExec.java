package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * execute as real host commands, only when the fake agent is told to allow it: {@code sh -c} for
 * a bare command, direct exec with args, in the sandbox directory (the request's working directory
 * is a guest path inside it) with a clean environment (a standard PATH, HOME at the sandbox, LANG,
 * and the request's variables); stdin /dev/null. Output is read stdout to its end before stderr like
 * the agent, so a command that fills the stderr pipe (~64 KiB) while stdout is open stalls until
 * its timeout. A timed-out command is killed (with its descendants) unless configured to be left
 * running as the agent leaves it; anything still running when the fake agent closes is killed, so
 * tests leak no processes. Not API.
 */
final class HostExec {
  private static final Logger log = LoggerFactory.getLogger(HostExec.class);

  private final Lazy<Sandbox, IOException> sandbox;
  private final boolean killTimedOut;
  private final ProcessTable processes;
  private final ScheduledExecutorService timers;
  private final Executor workers;

  HostExec(Lazy<Sandbox, IOException> sandbox, boolean killTimedOut, ProcessTable processes,
      ScheduledExecutorService timers, Executor workers) {
    this.sandbox = sandbox;
    this.killTimedOut = killTimedOut;
    this.processes = processes;
    this.timers = timers;
    this.workers = workers;
  }

  CompletionStage<AgentMessage> execute(AgentMessage request, int timeout, int cap, long started) {
    ExecuteRequest r = request.getExecute();
    List<String> argv = new ArrayList<>();
    if (r.getArgsCount() == 0) {
      argv.add("sh");
      argv.add("-c");
      argv.add(r.getCommand());
    } else {
      argv.add(r.getCommand());
      argv.addAll(r.getArgsList());
    }
    ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path root;
    try {
      root = sandbox.get().root();
      builder.directory(sandbox.get().resolve(r.getWorkingDirectory().isEmpty() ? "/" : r.getWorkingDirectory()).toFile());
    } catch (IOException | GuestError e) {
      return ExecHandler.done(request, ExecHandler.spawnFailure(e.getMessage()));
    }
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("HOME", root.toString());
    env.put("LANG", "C.UTF-8");
    env.putAll(r.getEnvironmentMap());
    Process process;
    try {
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      return ExecHandler.done(request, ExecHandler.spawnFailure(e.getMessage()));
    }
    if (!processes.track(process)) {
      kill(process);
      return CompletableFuture.completedFuture(null);
    }
    if (!r.getWaitForExit()) {
      closeStreams(process);
      process.onExit().thenRun(() -> processes.untrack(process));
      return ExecHandler.done(request, ExecuteResponse.newBuilder().setExitCode(0)
          .setDurationMs(ExecHandler.millisSince(started)));
    }
    return run(request, process, started, timeout, cap);
  }

  private CompletionStage<AgentMessage> run(AgentMessage request, Process process, long started, int timeout, int cap) {
    CompletableFuture<AgentMessage> result = new CompletableFuture<>();
    ScheduledFuture<?> timer = timers.schedule(() -> {
      ExecuteResponse.Builder timedOut = ExecuteResponse.newBuilder().setExitCode(-1).setTimedOut(true)
          .setStderr("Command timed out after " + timeout + " seconds").setDurationMs(ExecHandler.millisSince(started));
      if (result.complete(Messages.replyTo(request).setExecuteResponse(timedOut).build()) && killTimedOut) {
        kill(process);
      }
    }, timeout, TimeUnit.SECONDS);
    try {
      workers.execute(() -> {
        try {
          boolean[] truncated = new boolean[1];
          byte[] stdout = readCapped(process.getInputStream(), cap, truncated);
          byte[] stderr = readCapped(process.getErrorStream(), cap, truncated);
          int exit = process.waitFor();
          timer.cancel(false);
          result.complete(Messages.replyTo(request).setExecuteResponse(ExecuteResponse.newBuilder()
              .setExitCode(exit)
              .setStdout(new String(stdout, StandardCharsets.UTF_8))
              .setStderr(new String(stderr, StandardCharsets.UTF_8))
              .setTruncated(truncated[0])
              .setDurationMs(ExecHandler.millisSince(started))).build());
        } catch (IOException e) {
          result.complete(Messages.replyTo(request).setExecuteResponse(ExecuteResponse.newBuilder()
              .setExitCode(-1).setError("Failed to wait: " + e.getMessage())).build());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          kill(process);
          result.complete(null);
        } finally {
          closeStreams(process);
          processes.untrack(process);
        }
      });
    } catch (RejectedExecutionException e) {
      timer.cancel(false);
      kill(process);
      processes.untrack(process);
      return ExecHandler.done(request, ExecHandler.spawnFailure("agent too busy"));
    }
    return result;
  }

  /** Reads a stream to its end, keeping at most {@code cap} bytes. */
  static byte[] readCapped(InputStream in, int cap, boolean[] truncated) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(cap, 8192));
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) > 0) {
      int keep = Math.min(n, cap - kept.size());
      if (keep > 0) {
        kept.write(buffer, 0, keep);
      }
      if (keep < n) {
        truncated[0] = true;
      }
    }
    return kept.toByteArray();
  }

  /**
   * Kills a process and everything it started. The process goes first: a shell killed after its
   * child could still start the next command of its script.
   */
  static void kill(Process process) {
    List<ProcessHandle> started = List.of();
    try {
      started = process.descendants().collect(Collectors.toList());
    } catch (RuntimeException e) {
      log.debug("could not list descendants of {}", process.pid(), e);
    }
    process.destroyForcibly();
    started.forEach(ProcessHandle::destroyForcibly);
  }

  private static void closeStreams(Process process) {
    try {
      process.getInputStream().close();
      process.getErrorStream().close();
      process.getOutputStream().close();
    } catch (IOException e) {
      log.debug("closing pipes of {} failed", process.pid(), e);
    }
  }

  static boolean userExists(String user) {
    try {
      for (String entry : Files.readAllLines(Path.of("/etc/passwd"))) {
        if (entry.startsWith(user + ":")) {
          return true;
        }
      }
    } catch (IOException e) {
      log.debug("cannot read /etc/passwd", e);
    }
    return false;
  }


}
