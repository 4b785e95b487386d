package io.quantix.agent.testkit.internal;

import io.quantix.agent.framing.Framing;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * execute with the agent's semantics (wire document §3.4): a scripted command line wins; then,
 * unless commands are off (every one "not found", exit 127), the request runs from the built-in
 * command set in the sandbox ({@link BuiltInExec}, the default: nothing touches the host) or, only
 * when the agent allows it, as a host command ({@link HostExec}). Common to both: an unknown
 * run_as_user answers exit -1 with an error; timeout 0 means 300 s; each stream is capped (0 means
 * 1 MiB, never more than a frame carries). Not API.
 */
final class ExecHandler {
  static final int MAX_TIMEOUT_SECONDS = 300;
  static final int DEFAULT_OUTPUT_CAP = 1024 * 1024;

  /** How unscripted commands are answered. */
  enum Mode {
    /** Every one is "not found". */
    NONE,
    /** From the built-in command set, in the sandbox. */
    BUILT_IN,
    /** As host commands, in the sandbox directory. */
    HOST
  }

  private final Script script;
  private final Mode mode;
  private final BuiltInExec builtIn;
  private final HostExec host;

  ExecHandler(Script script, Mode mode, BuiltInExec builtIn, HostExec host) {
    this.script = script;
    this.mode = mode;
    this.builtIn = builtIn;
    this.host = host;
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
    if (mode == Mode.NONE) {
      String program = line.trim().isEmpty() ? "" : line.trim().split("\\s+")[0];
      return done(request, ExecuteResponse.newBuilder().setExitCode(127).setStderr("sh: 1: " + program + ": not found\n"));
    }
    String user = r.getRunAsUser();
    if (!user.isEmpty() && !(mode == Mode.HOST ? HostExec.userExists(user) : BuiltInCommands.USERS.containsKey(user))) {
      return done(request, ExecuteResponse.newBuilder().setExitCode(-1)
          .setError("Failed to look up user " + user + ": no such user"));
    }
    long started = System.nanoTime();
    int timeout = r.getTimeoutSeconds() == 0 ? MAX_TIMEOUT_SECONDS : Math.min(r.getTimeoutSeconds(), MAX_TIMEOUT_SECONDS);
    // Unlike the agent, never keep more than a frame can carry, whatever the host asks for.
    int cap = r.getMaxOutputBytes() == 0 ? DEFAULT_OUTPUT_CAP
        : (int) Math.min(Integer.toUnsignedLong(r.getMaxOutputBytes()), Framing.MAX_PAYLOAD_LENGTH);
    return mode == Mode.HOST
        ? host.execute(request, timeout, cap, started) : builtIn.execute(request, timeout, cap, started);
  }

  static ExecuteResponse.Builder spawnFailure(String why) {
    return ExecuteResponse.newBuilder().setExitCode(-1).setError("Failed to spawn: " + why);
  }

  static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  static CompletionStage<AgentMessage> done(AgentMessage request, ExecuteResponse.Builder response) {
    return CompletableFuture.completedFuture(Messages.replyTo(request).setExecuteResponse(response).build());
  }
}
