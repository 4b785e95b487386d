package io.quantix.agent.testkit.internal;

import io.quantix.agent.framing.Framing;
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
 * execute through the local shell with the agent's semantics (wire document §3.4): {@code sh -c}
 * for a bare command, direct exec with args; environment added; stdin /dev/null; timeout 0 means
 * 300 s and a timeout answers exit -1 with partial output discarded; each stream capped (0 means 1
 * MiB) and read stdout to its end before stderr like the agent, so a command that fills the stderr
 * pipe (~64 KiB) while stdout is open stalls until its timeout; wait_for_exit=false answers exit 0
 * at once. A timed-out command is killed (with its descendants) unless configured to be left
 * running as the agent leaves it; anything still running when the fake agent closes is killed, so
 * tests leak no processes. Scripted command lines win over the shell. Not API.
 */
final class ExecHandler {
  private static final Logger log = LoggerFactory.getLogger(ExecHandler.class);
  static final int MAX_TIMEOUT_SECONDS = 300;
  static final int DEFAULT_OUTPUT_CAP = 1024 * 1024;

  private final Script script;
  private final boolean localShell;
  private final boolean killTimedOut;
  private final ProcessTable processes;
  private final ScheduledExecutorService timers;
  private final Executor workers;

  ExecHandler(Script script, boolean localShell, boolean killTimedOut, ProcessTable processes,
      ScheduledExecutorService timers, Executor workers) {
    this.script = script;
    this.localShell = localShell;
    this.killTimedOut = killTimedOut;
    this.processes = processes;
    this.timers = timers;
    this.workers = workers;
  }

  /** The command line a scripted result is looked up by: command and args joined by spaces. */
  static String commandLine(ExecuteRequest r) {
    return r.getArgsCount() == 0 ? r.getCommand() : r.getCommand() + " " + String.join(" ", r.getArgsList());
  }

  CompletionStage<AgentMessage> execute(AgentMessage request) {
    ExecuteRequest r = request.getExecute();
    String line = commandLine(r);
    ExecuteResponse scripted = script.command(line);
    if (scripted != null) {
      return done(request, scripted.toBuilder());
    }
    if (!localShell) {
      String program = line.trim().isEmpty() ? "" : line.trim().split("\\s+")[0];
      return done(request, ExecuteResponse.newBuilder().setExitCode(127).setStderr("sh: 1: " + program + ": not found\n"));
    }
    if (!r.getRunAsUser().isEmpty() && !userExists(r.getRunAsUser())) {
      return done(request, ExecuteResponse.newBuilder().setExitCode(-1)
          .setError("Failed to look up user " + r.getRunAsUser() + ": no such user"));
    }
    long started = System.nanoTime();
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
    builder.environment().putAll(r.getEnvironmentMap());
    if (!r.getWorkingDirectory().isEmpty()) {
      builder.directory(new File(r.getWorkingDirectory()));
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      return done(request, ExecuteResponse.newBuilder().setExitCode(-1).setError("Failed to spawn: " + e.getMessage()));
    }
    if (!processes.track(process)) {
      kill(process);
      return CompletableFuture.completedFuture(null);
    }
    if (!r.getWaitForExit()) {
      closeStreams(process);
      process.onExit().thenRun(() -> processes.untrack(process));
      return done(request, ExecuteResponse.newBuilder().setExitCode(0).setDurationMs(millisSince(started)));
    }
    return run(request, process, started);
  }

  private CompletionStage<AgentMessage> run(AgentMessage request, Process process, long started) {
    ExecuteRequest r = request.getExecute();
    int timeout = r.getTimeoutSeconds() == 0 ? MAX_TIMEOUT_SECONDS : Math.min(r.getTimeoutSeconds(), MAX_TIMEOUT_SECONDS);
    // Unlike the agent, never keep more than a frame can carry, whatever the host asks for.
    int cap = r.getMaxOutputBytes() == 0 ? DEFAULT_OUTPUT_CAP
        : (int) Math.min(Integer.toUnsignedLong(r.getMaxOutputBytes()), Framing.MAX_PAYLOAD_LENGTH);
    CompletableFuture<AgentMessage> result = new CompletableFuture<>();
    ScheduledFuture<?> timer = timers.schedule(() -> {
      ExecuteResponse.Builder timedOut = ExecuteResponse.newBuilder().setExitCode(-1).setTimedOut(true)
          .setStderr("Command timed out after " + timeout + " seconds").setDurationMs(millisSince(started));
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
              .setDurationMs(millisSince(started))).build());
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
      return done(request, ExecuteResponse.newBuilder().setExitCode(-1).setError("Failed to spawn: agent too busy"));
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

  private static boolean userExists(String user) {
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

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static CompletionStage<AgentMessage> done(AgentMessage request, ExecuteResponse.Builder response) {
    return CompletableFuture.completedFuture(Messages.replyTo(request).setExecuteResponse(response).build());
  }
}
