package io.quantix.agent.agentctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs agentctl in-process, as picocli's {@code execute} does for main, with captured output. */
final class AgentctlRunner {
  private AgentctlRunner() {}

  /**
   * What one run did.
   *
   * @param exitCode the exit code main would exit with
   * @param out everything written to stdout
   * @param err everything written to stderr
   */
  record Run(int exitCode, String out, String err) {
    /** stdout's lines. */
    List<String> outLines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /** Runs with output piped (no terminal). */
  static Run run(String... args) {
    return run(false, args);
  }

  /** Runs; {@code interactive} pretends stderr is a terminal. */
  static Run run(boolean interactive, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Agentctl.execute(new Console(new PrintWriter(out, true), new PrintWriter(err, true),
        interactive), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Runs with output piped and {@code input} on stdin. */
  static Run runWithInput(String input, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Agentctl.execute(new Console(new PrintWriter(out, true), new PrintWriter(err, true),
        false, new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        Console.DEFAULT_COLUMNS), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code -e endpoint} followed by {@code args}. */
  static String[] on(String endpoint, String... args) {
    List<String> all = new ArrayList<>(List.of("-e", endpoint));
    all.addAll(List.of(args));
    return all.toArray(new String[0]);
  }
}
