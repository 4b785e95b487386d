package io.quantix.agent.agentctl;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * Where agentctl writes: stdout for results, stderr for errors, progress and notes; whether stderr
 * is a terminal (progress bars only then, never when piped); where secrets are read from
 * ({@code passwd}); and the terminal's width in columns.
 *
 * <pre>{@code
 * Console console = new Console(new PrintWriter(System.out, true), new PrintWriter(System.err, true), false);
 * }</pre>
 *
 * @param out results (and the guest's stdout for exec)
 * @param err errors, progress, the guest's stderr
 * @param interactive whether a person watches ({@code System.console() != null})
 * @param in standard input (a password for {@code passwd}, data for {@code clipboard set})
 * @param columns the terminal's width (progress bars never wrap)
 */
public record Console(PrintWriter out, PrintWriter err, boolean interactive, InputStream in,
    int columns) {
  /** Columns assumed when the terminal does not say (no {@code COLUMNS} in the environment). */
  public static final int DEFAULT_COLUMNS = 80;

  /** Checks the writers. */
  public Console {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(in, "in");
    if (columns < 20) {
      columns = DEFAULT_COLUMNS;
    }
  }

  /** A console without input, {@link #DEFAULT_COLUMNS} wide. */
  public Console(PrintWriter out, PrintWriter err, boolean interactive) {
    this(out, err, interactive, InputStream.nullInputStream(), DEFAULT_COLUMNS);
  }

  /** This process's stdout, stderr and stdin, and the terminal's width from {@code COLUMNS}. */
  public static Console system() {
    Charset charset = Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true);
    boolean terminal = System.console() != null;
    return new Console(out, err, terminal, System.in, terminal ? terminalColumns() : DEFAULT_COLUMNS);
  }

  /** {@code COLUMNS} if exported, else what {@code stty size} says of the terminal, else 80. */
  private static int terminalColumns() {
    String c = System.getenv("COLUMNS");
    try {
      if (c != null) {
        return Integer.parseInt(c.strip());
      }
      Process p = new ProcessBuilder("stty", "size")
          .redirectInput(new java.io.File("/dev/tty")).redirectErrorStream(true).start();
      String answer = new String(p.getInputStream().readAllBytes(), Charset.defaultCharset());
      if (p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
        String[] rowsCols = answer.strip().split("\\s+");
        return Integer.parseInt(rowsCols[rowsCols.length - 1]);
      }
      p.destroy();
    } catch (java.io.IOException | RuntimeException e) {
      // no stty, no terminal: the default width
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return DEFAULT_COLUMNS;
  }
}
