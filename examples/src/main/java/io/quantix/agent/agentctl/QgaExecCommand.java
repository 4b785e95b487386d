package io.quantix.agent.agentctl;

import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaExec;
import io.quantix.agent.qga.QgaExecResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl qga exec -- CMD [ARGS...]}: guest-exec, polled until it exits. */
@Command(name = "exec", description = {
    "Run a command in the guest through qemu-ga (guest-exec, then guest-exec-status until it"
        + " exits); prints its stdout and stderr and exits with its exit code.",
    "A single CMD runs through /bin/sh -c; several words run without a shell. --env replaces"
        + " the whole environment (qemu-ga's rule). --timeout bounds the whole run."})
final class QgaExecCommand extends QgaSubcommand {
  @Option(names = "--env", paramLabel = "K=V",
      description = "environment variable; any --env replaces the guest's whole environment")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--input", paramLabel = "TEXT", description = "text for the command's stdin")
  String input;

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "the command, after --")
  List<String> command;

  @Override
  int run(QgaClient qga, String endpoint) throws Exception {
    QgaExec exec = command.size() == 1 ? QgaExec.shell(command.get(0))
        : QgaExec.of(command.get(0), command.subList(1, command.size()).toArray(new String[0]));
    if (!env.isEmpty()) {
      exec = exec.withEnvironment(env);
    }
    if (input != null) {
      exec = exec.withInput(input);
    }
    QgaExecResult r = Target.await(qga.exec(exec));
    if (json()) {
      emit(Json.obj().put("pid", r.pid()).put("exitCode", r.exitCode().isPresent()
              ? r.exitCode().getAsInt() : null)
              .put("signal", r.signal().isPresent() ? r.signal().getAsInt() : null)
              .put("stdout", r.stdoutText()).put("stderr", r.stderrText())
              .put("stdoutTruncated", r.stdoutTruncated())
              .put("stderrTruncated", r.stderrTruncated()), "");
    } else {
      console().out().print(r.stdoutText());
      console().out().flush();
      console().err().print(r.stderrText());
      if (r.stdoutTruncated() || r.stderrTruncated()) {
        console().err().println("agentctl: qemu-ga kept only the first 16 MiB of the output");
      }
      console().err().flush();
    }
    if (r.signal().isPresent()) {
      return 128 + r.signal().getAsInt();
    }
    return r.exitCode().orElse(ExitCodes.FAILURE);
  }
}
