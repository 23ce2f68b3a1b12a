package io.lava.jdbc.examples.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row 5: fresh JVMs of this JDK with default flags, from process start to the first successful {@code select 1}
 * ({@link ColdStartProbe} prints {@code ok}) or, for {@code lava-pg check}, to its exit with status 0; six variants
 * against the same server and TLS settings ({@link ColdStartVariant#all}).
 *
 * <p>Each variant runs once untimed (the OS file cache), then {@code runs} rounds: each round runs every variant once,
 * one after the other, in an order that rotates by one place each round ({@link #rotation}), so no variant always
 * follows the same one. A variant that fails is reported with its reason and dropped; the others go on. After the
 * rounds, untimed runs: one per variant with {@code -XX:+PerfDataSaveToFile} ({@link JvmCounters}), {@code runs} of
 * {@code check} with {@link PeakRssAgent} (its peak RSS: it is not the probe), and one each of 5a and pgjdbc alone
 * with {@code -Xlog:class+load} ({@link StartupTimeline}).
 */
final class ColdStart {

    /**
     * @param variant the variant
     * @param nanos its time in each round, in round order; empty when it failed
     * @param peakKib its peak RSS in each round (or each agent run, for {@code check}); {@code -1} where unknown
     * @param counters the JVM's counters of one untimed run, or {@code null}
     * @param countersFailure why there are none, or {@code null}
     * @param failure why the variant has no times, or {@code null}
     */
    record Result(ColdStartVariant variant, long[] nanos, long[] peakKib, JvmCounters counters,
                  String countersFailure, String failure) {
        boolean ok() {
            return failure == null;
        }

        long medianNanos() {
            return PairStats.median(nanos);
        }

        /** @return the median of the known peak RSS values in KiB, or {@code -1} */
        long medianPeakKib() {
            long[] known = Arrays.stream(peakKib).filter(k -> k >= 0).toArray();
            return known.length == 0 ? -1 : PairStats.median(known);
        }
    }

    /**
     * @param rounds timed rounds
     * @param results one per variant, in the table's order
     * @param timelines the class-load timelines by column name (5a and pgjdbc alone), those that could be read
     * @param timelineFailure why a timeline is missing, or {@code null}
     */
    record Outcome(int rounds, List<Result> results, Map<String, StartupTimeline> timelines, String timelineFailure) {
        Result get(String id) {
            return results.stream().filter(r -> r.variant().id().equals(id)).findFirst().orElseThrow();
        }
    }

    private ColdStart() {
    }

    /**
     * @param env the servers
     * @param jars the drivers' jars
     * @param runs timed rounds
     * @param work a directory for the probe, the agent, counter files, logs and the children's error output
     * @return the results
     * @throws IOException when the probe or agent cannot be written
     * @throws InterruptedException when interrupted
     */
    static Outcome run(BenchEnv env, AlternativeJars jars, int runs, Path work)
            throws IOException, InterruptedException {
        List<ColdStartVariant> variants = ColdStartVariant.all(env, jars,
                ColdStartChild.copyProbe(work.resolve("probe")), ColdStartChild.copyProbe(work.resolve("floor-probe"),
                        ColdStartProbe.class, SdkFloorProbe.class));
        Path agent = ColdStartChild.agentJar(work.resolve("agent"));
        ColdStartChild child = new ColdStartChild(work);
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, long[]> nanos = new LinkedHashMap<>();
        Map<String, long[]> peaks = new LinkedHashMap<>();
        List<ColdStartVariant> live = new ArrayList<>();
        for (ColdStartVariant v : variants) {
            try {
                child.run(v, List.of());
                live.add(v);
                nanos.put(v.id(), new long[runs]);
                peaks.put(v.id(), new long[runs]);
            } catch (IOException e) {
                failures.put(v.id(), e.getMessage());
            }
        }
        for (int round = 0; round < runs; round++) {
            for (ColdStartVariant v : rotation(live, round)) {
                if (failures.containsKey(v.id())) {
                    continue;
                }
                try {
                    ColdStartChild.Sample s = child.run(v, List.of());
                    nanos.get(v.id())[round] = s.nanos();
                    peaks.get(v.id())[round] = s.peakKib();
                } catch (IOException e) {
                    failures.put(v.id(), "round " + (round + 1) + ": " + e.getMessage());
                }
            }
        }

        List<Result> results = new ArrayList<>();
        for (ColdStartVariant v : variants) {
            if (failures.containsKey(v.id())) {
                results.add(new Result(v, new long[0], new long[0], null, null, failures.get(v.id())));
                continue;
            }
            JvmCounters counters = null;
            String countersFailure = null;
            Path perf = work.resolve("cold-start-" + v.id() + ".hsperf");
            try {
                Files.deleteIfExists(perf);
                child.run(v, List.of("-XX:+PerfDataSaveToFile", "-XX:PerfDataSaveFile=" + perf));
                counters = JvmCounters.read(perf);
            } catch (IOException e) {
                countersFailure = e.getMessage();
            }
            long[] peak = peaks.get(v.id());
            if (!v.probe()) {
                peak = agentPeaks(child, v, agent, runs, work);
            }
            results.add(new Result(v, nanos.get(v.id()), peak, counters, countersFailure, null));
        }

        Map<String, StartupTimeline> timelines = new LinkedHashMap<>();
        String timelineFailure = null;
        for (String id : List.of(ColdStartVariant.TIMELINE, ColdStartVariant.FLOOR, ColdStartVariant.PGJDBC)) {
            ColdStartVariant v = variants.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            Path log = work.resolve("cold-start-" + id + ".classload.log");
            try {
                Files.deleteIfExists(log);
                child.run(v, List.of("-Xlog:class+load:file=" + log + ":uptime"));
                timelines.put(id + " " + v.name(), StartupTimeline.parse(Files.readAllLines(log,
                        StandardCharsets.UTF_8)));
            } catch (IOException e) {
                timelineFailure = e.getMessage();
            }
        }
        return new Outcome(runs, List.copyOf(results), timelines, timelineFailure);
    }

    /** Untimed runs of a non-probe variant with the agent attached; {@code -1} for a run that left no value. */
    private static long[] agentPeaks(ColdStartChild child, ColdStartVariant v, Path agent, int runs, Path work)
            throws InterruptedException {
        long[] peak = new long[runs];
        Path file = work.resolve("cold-start-" + v.id() + ".peak");
        for (int i = 0; i < runs; i++) {
            peak[i] = -1;
            try {
                Files.deleteIfExists(file);
                child.run(v, List.of("-javaagent:" + agent + "=" + file));
                if (Files.isRegularFile(file)) {
                    peak[i] = ColdStartChild.peakKib(Files.readString(file, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // no value for this run
            }
        }
        return peak;
    }

    /**
     * @param variants the variants in table order
     * @param round the round, from 0
     * @return the order of that round: the list rotated left by {@code round} places
     */
    static <T> List<T> rotation(List<T> variants, int round) {
        int n = variants.size();
        List<T> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(variants.get((round + i) % n));
        }
        return order;
    }
}
