package io.quantix.agent.agentctl;

import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl exec}: runs a command in the guest, prints its stdout and stderr to ours, and
 * exits with its exit code, as ssh does. One word goes through the guest's shell
 * ({@code exec -- 'ls -l /tmp | wc -l'}); several are a program and its arguments, no shell.
 */
@Command(name = "exec", description = {
    "Run a command in the guest and exit with its exit code.",
    "Prints the command's stdout and stderr to ours, as ssh does. A single CMD goes through the "
        + "guest's shell ('ls -l | wc -l'); CMD ARGS... run without a shell. Options after CMD "
        + "are the command's. --timeout is the guest's time limit (whole seconds, at most 300s; "
        + "default 300s); a command that hits it exits 4."})
final class ExecCommand extends AgentCommand {
  @Option(names = "--user", paramLabel = "USER", description = "run as this guest user")
  String user;

  @Option(names = "--cwd", paramLabel = "DIR", description = "working directory (absolute guest path)")
  String cwd;

  @Option(names = "--env", paramLabel = "K=V", description = "extra environment variable (repeatable)")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--separate-stderr", description = "interactive: keep the command's stderr apart "
      + "and do not run it under the guest's timeout (by default a terminal session merges stderr "
      + "into stdout and kills a timed-out command)")
  boolean separateStderr;

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "the command, after --")
  List<String> command;

  @Override
  void check() {
    Duration timeout = globals().timeout();
    if (timeout != null) {
      if (timeout.compareTo(Exec.AGENT_MAX_TIMEOUT) > 0) {
        throw CliError.usage("exec --timeout is the guest's limit: at most 300s, was "
            + Format.duration(timeout));
      }
      Durations.wholeSeconds("exec --timeout", timeout);
    }
  }

  @Override
  public String timeoutHelp() {
    return "the guest's time limit for the command: whole seconds, 1s to 300s (default 300s); "
        + "a command that hits it exits 4";
  }

  @Override
  int run(Target target) throws Exception {
    Exec exec = command.size() == 1 ? Exec.shell(command.get(0))
        : Exec.program(command.get(0), command.subList(1, command.size()));
    for (Map.Entry<String, String> e : env.entrySet()) {
      exec = exec.withEnv(e.getKey(), e.getValue());
    }
    if (user != null) {
      exec = exec.asUser(user);
    }
    if (cwd != null) {
      exec = exec.inDirectory(cwd);
    }
    Duration timeout = target.timeout();
    if (timeout != null) {
      exec = exec.withTimeout(timeout);   // checked in check(): whole seconds, at most 300 s
    }
    if (console().interactive() && !separateStderr) {
      // A person watching: no stderr stall (the agent reads stdout first), nothing left running.
      exec = exec.withStderrMerged().killingOnTimeout();
    }
    // No client timeout: the SDK derives the host deadline from the guest's limit plus a margin.
    ExecResult r = Target.await(target.plainClient().exec(exec));
    int code = exitCode(r);
    if (json()) {
      emit(Json.obj().put("vm", target.vmId()).put("exitCode", r.exitCode())
          .put("timedOut", r.timedOut()).put("truncated", r.truncated())
          .put("durationMillis", r.duration()).put("stdout", r.stdout()).put("stderr", r.stderr()),
          null);
    } else {
      PrintWriter out = out();
      out.print(r.stdout());
      out.flush();
      PrintWriter err = err();
      err.print(r.stderr());
      if (!r.stderr().isEmpty() && !r.stderr().endsWith("\n") && (r.truncated() || r.timedOut()
          || code != r.exitCode())) {
        err.println();   // agentctl's own line starts on a line of its own
      }
      if (r.truncated()) {
        err.println("agentctl: the agent cut the command's output at its size limit");
      }
      err.flush();
    }
    if (r.timedOut()) {
      err().println("agentctl: the command timed out in the guest after "
          + Format.duration(exec.effectiveTimeout()));
      err().flush();
    } else if (code != r.exitCode()) {
      err().println("agentctl: the command ended with code " + r.exitCode()
          + " (signal or out of range)");
      err().flush();
    }
    return code;
  }

  /** The guest's exit code as a process exit code: 4 on a guest timeout, 1 when out of range. */
  static int exitCode(ExecResult r) {
    if (r.timedOut()) {
      return ExitCodes.DEADLINE_EXCEEDED;
    }
    int c = r.exitCode();
    return c >= 0 && c <= 255 ? c : ExitCodes.FAILURE;
  }
}
