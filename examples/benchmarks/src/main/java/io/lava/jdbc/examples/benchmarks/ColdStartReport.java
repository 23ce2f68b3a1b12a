package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.examples.benchmarks.ColdStart.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Row 5's lines of the table (5a to 5h, one per variant) and the block printed under the table: how the row was
 * measured, the goal line ({@link ColdStartGoal}) and the startup timeline ({@link StartupTimeline}).
 */
final class ColdStartReport {
    /** What the lava-pg column says before a time that is not lava-pg's (as row 1c does). */
    private static final Map<String, String> SUBJECT = Map.of("5c", "wrapper: ", "5d", "secretsmanager-jdbc: ",
            ColdStartVariant.PGJDBC, "pgjdbc: ", ColdStartVariant.FLOOR, "SDK + pgjdbc: ");

    private ColdStartReport() {
    }

    /**
     * @param table the benchmark's table, columns {@code #, measure, lava-pg, baseline, ratio, goal, notes}
     * @param c the outcome
     */
    static void rows(ResultTable table, ColdStart.Outcome c) {
        Result pg = c.get(ColdStartVariant.PGJDBC);
        long wrapper = wrapperNanos(c);
        for (Result r : c.results()) {
            String id = r.variant().id();
            String measure = "cold start: " + r.variant().name();
            if (!r.ok()) {
                table.add(id, measure, "n/a (" + r.failure() + ")", "-", "-",
                        ColdStartVariant.GOAL.contains(id) ? ColdStartGoal.cell(candidate(r, pg), wrapper) : "-",
                        r.variant().classpath());
                continue;
            }
            boolean baseline = id.equals(ColdStartVariant.PGJDBC);
            String ratio = "-";
            if (!baseline && pg.ok()) {
                PairStats s = PairStats.of(r.nanos(), pg.nanos());
                ratio = Cells.ratio(s.ratio(), s.ratioLow(), s.ratioHigh());
            }
            table.add(id, measure, SUBJECT.getOrDefault(id, "") + "median " + Cells.millis(r.medianNanos()),
                    baseline ? "-" : pg.ok() ? "pgjdbc alone: median " + Cells.millis(pg.medianNanos()) : "n/a",
                    ratio, ColdStartVariant.GOAL.contains(id) ? ColdStartGoal.cell(candidate(r, pg), wrapper) : "-",
                    notes(r, pg, c.rounds()));
        }
    }

    /**
     * @param c the outcome
     * @return the lines under the table: method, goal line, timeline table
     */
    static String block(ColdStart.Outcome c) {
        Result pg = c.get(ColdStartVariant.PGJDBC);
        List<ColdStartGoal.Candidate> candidates = new ArrayList<>();
        for (String id : ColdStartVariant.GOAL) {
            candidates.add(candidate(c.get(id), pg));
        }
        StringBuilder out = new StringBuilder();
        out.append("\nrow 5: ").append(c.rounds()).append(" rounds; each runs every variant once, the order rotating "
                + "by one place per round; medians; ratio = median of the per-round ratios to pgjdbc alone (95% CI); "
                + "peak RSS = VmHWM (probe: each timed round; check: untimed runs with a shutdown-hook agent); "
                + "classes and times = the JVM's counters of one more untimed run each (-XX:+PerfDataSaveToFile, "
                + "jstat), class load and JIT summed over threads\n");
        out.append(ColdStartGoal.line(candidates, wrapperNanos(c))).append('\n');
        out.append(floorLine(c.get("5a"), c.get(ColdStartVariant.FLOOR))).append('\n');
        out.append("\nrow 5 timeline: JVM uptime when each step's first class loaded (one untimed run each with "
                + "-Xlog:class+load, which slows it)");
        if (c.timelineFailure() != null) {
            out.append("; missing: ").append(c.timelineFailure());
        }
        out.append("\n\n");
        if (!c.timelines().isEmpty()) {
            out.append(StartupTimeline.table(c.timelines()));
        }
        return out.toString();
    }

    /**
     * @return how lava-pg (5a) compares with the floor (5g): the same two AWS calls through the SDK's own clients, then
     *     pgjdbc, with nothing of lava-pg
     */
    static String floorLine(Result lava, Result floor) {
        if (!lava.ok() || !floor.ok()) {
            return "floor: n/a";
        }
        PairStats s = PairStats.of(lava.nanos(), floor.nanos());
        return "floor: 5a lava-pg / 5g the same GetItem + GetParameter with the SDK's own clients, then pgjdbc, no "
                + "lava-pg = " + Cells.ratio(s.ratio(), s.ratioLow(), s.ratioHigh()) + " (medians "
                + Cells.millis(lava.medianNanos()) + " vs " + Cells.millis(floor.medianNanos()) + ")";
    }

    private static long wrapperNanos(ColdStart.Outcome c) {
        Result w = c.get(ColdStartVariant.WRAPPER);
        return w.ok() ? w.medianNanos() : -1;
    }

    static ColdStartGoal.Candidate candidate(Result r, Result pg) {
        if (!r.ok()) {
            return new ColdStartGoal.Candidate(r.variant().id(), Double.NaN, -1, Double.NaN);
        }
        double ratio = pg.ok() ? PairStats.of(r.nanos(), pg.nanos()).ratio() : Double.NaN;
        return new ColdStartGoal.Candidate(r.variant().id(), ratio, r.medianNanos(), extraMib(r, pg));
    }

    private static double extraMib(Result r, Result pg) {
        if (!pg.ok() || r.medianPeakKib() < 0 || pg.medianPeakKib() < 0) {
            return Double.NaN;
        }
        return (r.medianPeakKib() - pg.medianPeakKib()) / 1024.0;
    }

    private static String notes(Result r, Result pg, int rounds) {
        StringBuilder s = new StringBuilder();
        if (r.medianPeakKib() < 0) {
            s.append("peak RSS n/a");
        } else {
            s.append(String.format(Locale.ROOT, "peak RSS %.1f MiB", r.medianPeakKib() / 1024.0));
            double extra = extraMib(r, pg);
            if (!r.variant().id().equals(ColdStartVariant.PGJDBC) && !Double.isNaN(extra)) {
                s.append(String.format(Locale.ROOT, " (%+.1f MiB)", extra));
            }
        }
        JvmCounters j = r.counters();
        if (j == null) {
            s.append("; JVM counters n/a (").append(r.countersFailure()).append(')');
        } else {
            s.append(String.format(Locale.ROOT, "; %,d classes (+%,d from CDS), class load %,.0f ms (verify %,.0f), "
                            + "JIT %,.0f ms, GC %,.0f ms, JVM lifetime %,.0f ms", j.loadedClasses(), j.sharedClasses(),
                    j.classLoadMillis(), j.verifyMillis(), j.jitMillis(), j.gcMillis(), j.lifetimeMillis()));
        }
        s.append("; ").append(rounds).append(" rounds; ").append(r.variant().classpath());
        return s.toString();
    }
}
