package io.quantix.agent.agentctl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: a header row, left-aligned columns two spaces apart. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;
  private final boolean[] rightAligned;

  Table(String... header) {
    this.columns = header.length;
    this.rightAligned = new boolean[header.length];
    rows.add(header);
  }

  /** Right-aligns a column (sizes, percentages). */
  Table alignRight(int column) {
    rightAligned[column] = true;
    return this;
  }

  Table row(Object... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns");
    }
    String[] r = new String[columns];
    for (int i = 0; i < columns; i++) {
      r[i] = cells[i] == null ? "-" : cells[i].toString();
    }
    rows.add(r);
    return this;
  }

  int size() {
    return rows.size() - 1;
  }

  void print(PrintWriter out) {
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        boolean last = i == columns - 1;
        String cell = r[i];
        int pad = width[i] - cell.length();
        if (rightAligned[i]) {
          line.append(" ".repeat(pad)).append(cell);
        } else {
          line.append(cell);
          if (!last) {
            line.append(" ".repeat(pad));
          }
        }
        if (!last) {
          line.append("  ");
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
