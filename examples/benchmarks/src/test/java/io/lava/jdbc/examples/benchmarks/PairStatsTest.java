package io.lava.jdbc.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairStatsTest {

    @Test
    void medianRatioOfPairsWithAnOrderStatisticInterval() {
        int n = 100;
        long[] lava = new long[n];
        long[] baseline = new long[n];
        for (int i = 0; i < n; i++) {
            baseline[i] = 1_000_000 + i * 10_000L; // drifting machine: both slow down together
            lava[i] = baseline[i] + (i % 2 == 0 ? 10_000 : -5_000);
        }
        PairStats s = PairStats.of(lava, baseline);
        assertThat(s.pairs()).isEqualTo(n);
        assertThat(s.ratio()).isCloseTo(1.0, within(0.01));
        assertThat(s.ratioLow()).isLessThanOrEqualTo(s.ratio());
        assertThat(s.ratioHigh()).isGreaterThanOrEqualTo(s.ratio());
        // 1.96 * sqrt(100) / 2 = 9.8: ranks 40 and 59 (0-based) of the sorted ratios
        assertThat(s.ratioHigh() - s.ratioLow()).isPositive();
        assertThat(s.lavaMedianNanos()).isEqualTo(PairStats.median(lava));
    }

    @Test
    void withoutABaselineOnlyLavaIsSummed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.pairs");
        Files.writeString(file, "300 -1\n100 -1\n200 -1\n");
        PairStats s = PairStats.read(file);
        assertThat(s.pairs()).isEqualTo(3);
        assertThat(s.lavaMedianNanos()).isEqualTo(200);
        assertThat(s.baselineMedianNanos()).isEqualTo(-1);
        assertThat(s.ratio()).isNaN();
    }

    @Test
    void evenCountsTakeTheMiddleTwo() {
        assertThat(PairStats.median(new long[] {4, 1, 3, 2})).isEqualTo(2);
        assertThat(PairStats.median(new long[] {10, 30})).isEqualTo(20);
        assertThat(Storm.percentile(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.99)).isEqualTo(10);
        assertThat(Storm.percentile(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.50)).isEqualTo(5);
    }
}
