package io.lava.jdbc.examples.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Summary of the pairs a {@link PairedSamples} benchmark wrote: each driver's median connect time and the median of
 * the per-pair ratios (lava-pg / baseline) with a distribution-free 95% confidence interval (the order statistics
 * {@code n/2 -+ 1.96 sqrt(n)/2} of the sorted ratios).
 *
 * @param pairs number of pairs (or of lava-pg samples when the baseline was skipped)
 * @param lavaMedianNanos lava-pg's median connect time
 * @param baselineMedianNanos the baseline's median connect time, or {@code -1} when it was skipped
 * @param ratio median of the per-pair ratios, or {@code NaN} without a baseline
 * @param ratioLow lower end of its 95% confidence interval
 * @param ratioHigh upper end of its 95% confidence interval
 */
record PairStats(int pairs, long lavaMedianNanos, long baselineMedianNanos, double ratio, double ratioLow,
                 double ratioHigh) {

    /**
     * @param file a {@code .pairs} file
     * @return its summary
     * @throws IOException when it cannot be read or has no samples
     */
    static PairStats read(Path file) throws IOException {
        List<long[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                String[] parts = line.trim().split("\\s+");
                rows.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(file + " holds no samples");
        }
        long[] lava = new long[rows.size()];
        long[] baseline = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            lava[i] = rows.get(i)[0];
            baseline[i] = rows.get(i)[1];
        }
        return of(lava, baseline);
    }

    /**
     * @param lava lava-pg's times
     * @param baseline the baseline's times of the same pairs; all {@code -1} when it was skipped
     * @return the summary
     */
    static PairStats of(long[] lava, long[] baseline) {
        int n = lava.length;
        long lavaMedian = median(lava);
        if (baseline[0] < 0) {
            return new PairStats(n, lavaMedian, -1, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) {
            ratios[i] = (double) lava[i] / baseline[i];
        }
        Arrays.sort(ratios);
        double half = 1.96 * Math.sqrt(n) / 2;
        int low = (int) Math.max(0, Math.floor(n / 2.0 - half));
        int high = (int) Math.min(n - 1, Math.ceil(n / 2.0 + half) - 1);
        return new PairStats(n, lavaMedian, median(baseline), medianOfSorted(ratios), ratios[low], ratios[high]);
    }

    static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double medianOfSorted(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
