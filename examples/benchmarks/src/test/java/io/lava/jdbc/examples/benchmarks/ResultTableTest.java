package io.lava.jdbc.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResultTableTest {

    @Test
    void columnsLineUpAndTheTableIsMarkdown() {
        String table = new ResultTable("#", "measure", "lava-pg")
                .add("1", "warm connect", "median 4.2 ms")
                .add("2", "resolve", null)
                .render();
        List<String> lines = table.lines().toList();
        assertThat(lines).containsExactly(
                "| #   | measure      | lava-pg       |",
                "| --- | ------------ | ------------- |",
                "| 1   | warm connect | median 4.2 ms |",
                "| 2   | resolve      |               |");
        assertThat(table).endsWith("\n");
    }

    @Test
    void pipesAndLineBreaksInACellCannotBreakTheTable() {
        String table = new ResultTable("a", "b").add("x|y", "two\nlines").render();
        assertThat(table.lines().skip(2).findFirst()).hasValue("| x\\|y | two lines |");
    }

    @Test
    void aRowMustHaveOneCellPerColumn() {
        ResultTable table = new ResultTable("a", "b");
        assertThatThrownBy(() -> table.add("only one")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 cells, table has 2 columns");
        assertThatThrownBy(ResultTable::new).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} us +- {1} -> {3}")
    @CsvSource(delimiter = ';', value = {
        "4512.34; 95.06; 1; 4512.3 +- 95.1 us",
        "3.3712; 0.051; 2; 3.37 +- 0.05 us",
        "3.3712; NaN; 2; 3.37 us"})
    void microsWithJmhError(double value, double error, int decimals, String expected) {
        assertThat(Cells.micros(value, error, decimals)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ({1}-{2}) vs {3}")
    @CsvSource(delimiter = ';', value = {
        "1.004; 0.99; 1.015; 1.02; <= 1.02: met",
        "1.004; 0.99; 1.03; 1.02; <= 1.02: not resolved (noise)",
        "1.03; 1.01; 1.05; 1.02; <= 1.02: not resolved (noise)",
        "1.05; 1.03; 1.07; 1.02; <= 1.02: missed",
        "1.01; NaN; NaN; 1.02; <= 1.02: met",
        "1.05; NaN; NaN; 1.02; <= 1.02: missed"})
    void goalVerdictsTakeTheIntervalIntoAccount(double value, double low, double high, double bound,
                                               String expected) {
        assertThat(Cells.atMost(value, low, high, bound, "<= " + String.format(Locale.ROOT, "%.2f", bound)))
                .isEqualTo(expected);
    }

    @Test
    void numbersAreAsciiWhateverTheLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(Cells.bytes(23_036_183)).isEqualTo("23,036,183 B (22.0 MiB)");
            assertThat(Cells.bytes(93_224)).isEqualTo("93,224 B (91.0 KiB)");
            assertThat(Cells.millis(4_215_000)).isEqualTo("4.2 ms");
            assertThat(Cells.ratio(1.0041, 0.9912, 1.0133)).isEqualTo("1.004 (0.991-1.013)");
        } finally {
            Locale.setDefault(saved);
        }
    }
}
