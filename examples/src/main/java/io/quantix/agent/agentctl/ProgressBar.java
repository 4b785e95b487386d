package io.quantix.agent.agentctl;

import io.quantix.agent.client.TransferProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line transfer progress bar on stderr, redrawn at most ten times a second. Only shown on a
 * terminal: when output is piped (no console) or JSON is asked for, there is none.
 */
final class ProgressBar implements TransferProgress {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final String label;
  private final long started = System.nanoTime();
  private long lastDraw;
  private long done;
  private long total = -1;
  private boolean drawn;

  ProgressBar(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
  }

  /** A bar when a person watches, otherwise {@link TransferProgress#NONE}. */
  static TransferProgress forConsole(Console console, boolean json, String label) {
    return console.interactive() && !json ? new ProgressBar(console.err(), label)
        : TransferProgress.NONE;
  }

  @Override
  public synchronized void onProgress(long bytesDone, long bytesTotal) {
    done = Math.max(done, bytesDone);
    total = bytesTotal;
    long now = System.nanoTime();
    if (drawn && now - lastDraw < REDRAW_NANOS && (total < 0 || done < total)) {
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

  private void draw(long now) {
    drawn = true;
    err.print('\r');
    err.print(render(done, total, now - started));
    err.flush();
  }

  /** The bar's text for {@code done} of {@code total} bytes after {@code elapsedNanos}. */
  String render(long done, long total, long elapsedNanos) {
    StringBuilder sb = new StringBuilder(label).append(' ');
    double seconds = Math.max(elapsedNanos, 1) / 1e9;
    String rate = Format.rate(done / 1048576.0 / seconds);
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      sb.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
          .append(String.format(Locale.ROOT, "%3d%%", (int) (100 * done / total))).append("  ")
          .append(Format.bytes(done)).append(" / ").append(Format.bytes(total));
    } else {
      sb.append(Format.bytes(done));
    }
    return sb.append("  ").append(rate).toString();
  }
}
