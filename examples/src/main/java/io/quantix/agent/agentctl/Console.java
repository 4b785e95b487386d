package io.quantix.agent.agentctl;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * Where agentctl writes: stdout for results, stderr for errors, progress and notes; and whether
 * stderr is a terminal (progress bars only then, never when piped).
 *
 * @param out results (and the guest's stdout for exec)
 * @param err errors, progress, the guest's stderr
 * @param interactive whether a person watches ({@code System.console() != null})
 */
public record Console(PrintWriter out, PrintWriter err, boolean interactive) {
  /** Checks the writers. */
  public Console {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }
}
