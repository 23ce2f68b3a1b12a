package io.lava.jdbc.examples.benchmarks;

import java.util.Locale;

/** How the table writes numbers: fixed decimals, ASCII {@code +-} for JMH's 99.9% error, byte counts with commas. */
final class Cells {
    private Cells() {
    }

    /**
     * @param micros a time in microseconds
     * @param error its error in microseconds; {@code NaN} (fewer than two iterations) prints none
     * @param decimals digits after the point
     * @return e.g. {@code 4512.3 +- 95.1 us}
     */
    static String micros(double micros, double error, int decimals) {
        String f = "%." + decimals + "f";
        String value = String.format(Locale.ROOT, f, micros);
        return Double.isNaN(error) ? value + " us" : value + " +- " + String.format(Locale.ROOT, f, error) + " us";
    }

    /**
     * @param nanos a duration in nanoseconds
     * @return milliseconds with one decimal, e.g. {@code 12.3 ms}
     */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    /**
     * Whether a measured value meets an upper bound, given its confidence interval.
     *
     * @param value the measurement
     * @param low the low end of its confidence interval, or {@code NaN} when unknown
     * @param high the high end, or {@code NaN} when unknown
     * @param bound the goal: at most this
     * @param goal how the goal reads, e.g. {@code <= 1.02}
     * @return {@code <goal>: met} (the whole interval is within the bound), {@code <goal>: missed} (the whole
     *     interval is above it), else {@code <goal>: not resolved (noise)}; without an interval, the value decides
     */
    static String atMost(double value, double low, double high, double bound, String goal) {
        if (Double.isNaN(low) || Double.isNaN(high)) {
            return goal + (value <= bound ? ": met" : ": missed");
        }
        if (high <= bound) {
            return goal + ": met";
        }
        if (low > bound) {
            return goal + ": missed";
        }
        return goal + ": not resolved (noise)";
    }

    /**
     * @param ratio a ratio
     * @param low the low end of its 95% confidence interval
     * @param high the high end
     * @return e.g. {@code 1.004 (0.991-1.013)}
     */
    static String ratio(double ratio, double low, double high) {
        return String.format(Locale.ROOT, "%.3f (%.3f-%.3f)", ratio, low, high);
    }

    /**
     * @param bytes a size
     * @return e.g. {@code 1,234,567 B (1.2 MiB)}
     */
    static String bytes(long bytes) {
        String exact = String.format(Locale.ROOT, "%,d B", bytes);
        if (bytes < 1024 * 1024) {
            return exact + String.format(Locale.ROOT, " (%.1f KiB)", bytes / 1024.0);
        }
        return exact + String.format(Locale.ROOT, " (%.1f MiB)", bytes / (1024.0 * 1024.0));
    }
}
