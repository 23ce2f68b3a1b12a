package io.lava.jdbc.examples.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Row 5's goal for the lava-pg variants (5a record + SSM, 5b IAM, 5f {@code check}): each starts in at most
 * {@value #MAX_RATIO} times the time of pgjdbc alone (the median of the per-round ratios), faster than the AWS Advanced
 * JDBC Wrapper (median against median), and with a peak RSS at most {@value #MAX_EXTRA_MIB} MiB above pgjdbc alone's
 * (median against median). Judged on the medians; the table shows each ratio's 95% interval next to it.
 */
final class ColdStartGoal {
    static final double MAX_RATIO = 1.45;
    static final double MAX_EXTRA_MIB = 30;
    static final String GOAL = "lava-pg <= 1.45x pgjdbc alone and below the AWS wrapper, peak RSS <= +30 MiB";

    /**
     * One lava-pg variant's numbers; {@code NaN} or {@code -1} where unknown (which fails the goal).
     *
     * @param id the table's row
     * @param ratio median of the per-round ratios to pgjdbc alone
     * @param medianNanos its median time
     * @param extraMib its median peak RSS minus pgjdbc alone's, in MiB
     */
    record Candidate(String id, double ratio, long medianNanos, double extraMib) {
    }

    private ColdStartGoal() {
    }

    /**
     * @param c a candidate
     * @param wrapperNanos the wrapper's median time, or {@code -1} when it has none
     * @return whether it meets all three parts
     */
    static boolean met(Candidate c, long wrapperNanos) {
        return ratioMet(c) && wrapperMet(c, wrapperNanos) && rssMet(c);
    }

    /**
     * @param candidates the lava-pg variants; one that failed to run is a candidate with unknown numbers
     * @param wrapperNanos the wrapper's median time, or {@code -1}
     * @return {@code goal: <goal>: met (<details>)} or {@code ... not met (<details>)}, one clause per candidate
     */
    static String line(List<Candidate> candidates, long wrapperNanos) {
        boolean all = !candidates.isEmpty();
        List<String> details = new ArrayList<>();
        for (Candidate c : candidates) {
            all &= met(c, wrapperNanos);
            String ratio = Double.isNaN(c.ratio()) ? "ratio n/a" : String.format(Locale.ROOT, "%.2fx", c.ratio());
            String time = c.medianNanos() < 0 ? "time n/a" : String.format(Locale.ROOT, "%.0f ms", c.medianNanos() / 1e6);
            String wrapper = wrapperNanos < 0 ? "wrapper n/a"
                    : String.format(Locale.ROOT, "wrapper %.0f ms", wrapperNanos / 1e6);
            String rss = Double.isNaN(c.extraMib()) ? "RSS n/a" : String.format(Locale.ROOT, "%+.1f MiB", c.extraMib());
            details.add(c.id() + " " + ratio + mark(ratioMet(c)) + ", " + time + " vs " + wrapper
                    + mark(wrapperMet(c, wrapperNanos)) + ", " + rss + mark(rssMet(c)));
        }
        return "goal: " + GOAL + ": " + (all ? "met" : "not met") + " (" + String.join("; ", details) + ")";
    }

    /**
     * @param c a candidate
     * @param wrapperNanos the wrapper's median time, or {@code -1}
     * @return the table's goal cell, e.g. {@code <= 1.45x, < wrapper, <= +30 MiB: met}
     */
    static String cell(Candidate c, long wrapperNanos) {
        return "<= 1.45x, < wrapper, <= +30 MiB: " + (met(c, wrapperNanos) ? "met" : "missed");
    }

    private static boolean ratioMet(Candidate c) {
        return !Double.isNaN(c.ratio()) && c.ratio() <= MAX_RATIO;
    }

    private static boolean wrapperMet(Candidate c, long wrapperNanos) {
        return wrapperNanos >= 0 && c.medianNanos() >= 0 && c.medianNanos() < wrapperNanos;
    }

    private static boolean rssMet(Candidate c) {
        return !Double.isNaN(c.extraMib()) && c.extraMib() <= MAX_EXTRA_MIB;
    }

    private static String mark(boolean ok) {
        return ok ? " ok" : " MISSED";
    }
}
