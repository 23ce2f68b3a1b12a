package io.lava.jdbc.examples.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Markdown table whose columns are padded to line up in a terminal and which pastes into docs/benchmarks.md as is.
 * ASCII only, so that it prints the same under any locale. A {@code |} inside a cell is escaped.
 */
final class ResultTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param header the column names */
    ResultTable(String... header) {
        if (header.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.header = List.of(header);
    }

    /**
     * @param cells one value per column; {@code null} prints as empty
     * @return this table
     * @throws IllegalArgumentException when the number of cells is not the number of columns
     */
    ResultTable add(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size()
                    + " columns: " + Arrays.toString(cells));
        }
        List<String> row = new ArrayList<>();
        for (String cell : cells) {
            row.add(cell == null ? "" : cell.replace("\r", " ").replace("\n", " ").replace("|", "\\|"));
        }
        rows.add(row);
        return this;
    }

    /** @return the table, one line per row after the header and separator lines, each ending in a newline */
    String render() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(3, header.get(i).length());
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        line(out, rule, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            out.append(' ').append(cell).append(" ".repeat(widths[i] - cell.length())).append(" |");
        }
        out.append('\n');
    }
}
