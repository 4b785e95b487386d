package io.quantix.agent.agentctl;

import io.quantix.agent.client.TransferProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line transfer progress bar on stderr: label, bar, percentage, sizes, rate and ETA, fitted
 * to the terminal's width (the line never wraps: parts are dropped, the label shortened and the bar
 * narrowed as the width shrinks), redrawn at most ten times a second. Only shown on a terminal:
 * when output is piped (no console) or JSON is asked for, there is none.
 */
final class ProgressBar implements TransferProgress {
  /** The bar's widest and narrowest number of cells. */
  private static final int MAX_BAR = 30;
  private static final int MIN_BAR = 10;
  /** The shortest label kept before the bar itself goes. */
  private static final int MIN_LABEL = 12;
  static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final String label;
  private final int columns;
  private final long started = System.nanoTime();
  private long lastDraw;
  private long done;
  private long total = -1;
  private boolean drawn;
  private int redraws;

  ProgressBar(PrintWriter err, String label) {
    this(err, label, Console.DEFAULT_COLUMNS);
  }

  ProgressBar(PrintWriter err, String label, int columns) {
    this.err = err;
    this.label = label;
    this.columns = columns;
  }

  /** A bar when a person watches, otherwise {@link TransferProgress#NONE}. */
  static TransferProgress forConsole(Console console, boolean json, String label) {
    return console.interactive() && !json ? new ProgressBar(console.err(), label, console.columns())
        : TransferProgress.NONE;
  }

  @Override
  public synchronized void onProgress(long bytesDone, long bytesTotal) {
    done = Math.max(done, bytesDone);
    total = bytesTotal;
    long now = System.nanoTime();
    if (drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    draw(now);
  }

  /** Draws the final state and ends the line (if anything was drawn). */
  synchronized void finish() {
    if (drawn) {
      draw(System.nanoTime());
      err.println();
      err.flush();
    }
  }

  /** How many times the bar was drawn (the last draw of {@link #finish} included). */
  synchronized int redraws() {
    return redraws;
  }

  private void draw(long now) {
    drawn = true;
    redraws++;
    String line = render(done, total, now - started);
    // Pad to the full width so a shorter line erases the end of the previous one.
    err.print('\r');
    err.print(line);
    err.print(" ".repeat(Math.max(0, columns - 1 - line.length())));
    err.flush();
  }

  /**
   * The bar's text for {@code done} of {@code total} bytes after {@code elapsedNanos}: at most
   * {@code columns - 1} characters (the last column stays free so no terminal wraps).
   */
  String render(long done, long total, long elapsedNanos) {
    int width = columns - 1;
    double seconds = Math.max(elapsedNanos, 1) / 1e9;
    double bytesPerSecond = done / seconds;
    String rate = Format.rate(bytesPerSecond / 1048576.0);
    if (total <= 0) {
      return fit(label + " " + Format.bytes(done) + "  " + rate, width);
    }
    String percent = String.format(Locale.ROOT, "%3d%%", (int) (100 * done / total));
    String eta = done >= total ? "done" : bytesPerSecond <= 0 ? "ETA --:--"
        : "ETA " + clock((long) ((total - done) / bytesPerSecond));
    String sizes = Format.bytes(done) + " / " + Format.bytes(total);
    String[] tails = {
        " " + percent + "  " + sizes + "  " + rate + "  " + eta,
        " " + percent + "  " + rate + "  " + eta,
        " " + percent + "  " + eta};
    for (String tail : tails) {
      int barRoom = width - tail.length() - 3;   // " [" and "]"
      String name = label;
      if (barRoom - name.length() < MIN_BAR) {
        name = shorten(label, Math.max(MIN_LABEL, barRoom - MIN_BAR));
      }
      int cells = Math.min(MAX_BAR, barRoom - name.length());
      if (cells >= MIN_BAR) {
        int filled = (int) Math.min(cells, cells * done / total);
        return name + " [" + "#".repeat(filled) + ".".repeat(cells - filled) + "]" + tail;
      }
    }
    return fit(shorten(label, MIN_LABEL) + tails[2], width);
  }

  /** {@code ...end-of-label}: the end of a path says most. */
  static String shorten(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    return max <= 3 ? text.substring(text.length() - max) : "..." + text.substring(text.length() - max + 3);
  }

  private static String fit(String line, int width) {
    return line.length() <= width ? line : line.substring(0, Math.max(0, width));
  }

  /** {@code 0:07}, {@code 12:30}, {@code 1:02:03}. */
  static String clock(long seconds) {
    if (seconds >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60,
          seconds % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }
}
