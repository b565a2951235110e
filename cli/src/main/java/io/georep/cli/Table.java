package io.georep.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row and data rows, columns separated by two spaces and padded to the
 * widest cell; right-aligned columns suit numbers. The last column is not padded, so lines carry no
 * trailing blanks.
 */
final class Table {
  private final List<String> header;
  private final boolean[] rightAligned;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
    this.rightAligned = new boolean[header.length];
  }

  /** Aligns these columns (0-based) to the right. */
  Table rightAlign(int... columns) {
    for (int column : columns) {
      rightAligned[column] = true;
    }
    return this;
  }

  /** Adds a row of exactly as many cells as the header has; a null cell prints as "-". */
  Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + header.size() + " columns");
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object cell : cells) {
      row.add(cell == null ? "-" : cell.toString());
    }
    rows.add(row);
    return this;
  }

  /** The lines of the table, header first, each without a line separator. */
  List<String> lines() {
    int[] widths = new int[header.size()];
    for (List<String> row : allRows()) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : allRows()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        String padding = " ".repeat(widths[i] - cell.length());
        boolean last = i == row.size() - 1;
        if (i > 0) {
          line.append("  ");
        }
        if (rightAligned[i]) {
          line.append(padding).append(cell);
        } else {
          line.append(cell).append(last ? "" : padding);
        }
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /** Prints {@link #lines()}. */
  void print(PrintWriter out) {
    lines().forEach(out::println);
  }

  private List<List<String>> allRows() {
    List<List<String>> all = new ArrayList<>(rows.size() + 1);
    all.add(header);
    all.addAll(rows);
    return all;
  }
}
