package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.examples.benchmarks.JmhRows.Score;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns the outcomes into the table's rows. A row whose measurement failed reads {@code n/a} with the reason. Ratios
 * are lava-pg over the baseline (below 1 lava-pg is faster, above 1 slower); for rows 1 and 3 the median of the
 * per-pair ratios with its 95% confidence interval in brackets ({@link PairStats}); for row 5 each variant over pgjdbc
 * alone, the median of the per-round ratios the same way, with a block under the table ({@link ColdStartReport}).
 */
final class Report {
    static final String WRAPPER = "aws-advanced-jdbc-wrapper 2.6.4";
    static final String SECRETS_MANAGER_JDBC = "aws-secretsmanager-jdbc 2.0.2";

    private final ResultTable table = new ResultTable("#", "measure", "lava-pg", "baseline", "ratio", "goal",
            "notes");
    private final StringBuilder after = new StringBuilder();
    private final Map<String, Score> jmh;
    private final Path notes;

    /**
     * @param jmh scores of rows 1 to 3
     * @param notes the directory the forks left their notes and failure reasons in
     */
    Report(Map<String, Score> jmh, Path notes) {
        this.jmh = jmh;
        this.notes = notes;
    }

    /** Rows 1 to 3 from the JMH scores and the pairs the connect benchmarks left. */
    void jmhRows() {
        pair("1", "warm connect, open+close (SSM password, warm cache)", "WarmConnectBenchmark.lavaVsPgjdbc", "",
                "pgjdbc direct", 1.02, "<= 1.02",
                "same role, password, sslmode=verify-full, sslrootcert, ApplicationName");
        pair("1c", "control: pgjdbc paired with itself (true ratio 1)", "WarmConnectBenchmark.pgjdbcVsPgjdbc",
                "pgjdbc: ", "pgjdbc direct", Double.NaN, "-",
                "the noise floor of this run: how far a ratio strays from 1 by chance");
        String resolveName = "ResolveBenchmark.warmResolve";
        Score resolve = jmh.get(resolveName);
        String measure = "warm resolve, no network (what connect does before pgjdbc)";
        if (resolve == null) {
            table.add("2", measure, na(resolveName), "-", "-", "<= 5 us", "");
        } else {
            table.add("2", measure, Cells.micros(resolve.micros(), resolve.errorMicros(), 2) + " (mean)", "-", "-",
                    Cells.atMost(resolve.micros(), resolve.micros() - resolve.errorMicros(),
                            resolve.micros() + resolve.errorMicros(), 5, "<= 5 us"),
                    note(resolveName));
        }
        resolveBetweenConnects();
        pair("3a", "IAM connect, open+close (cached token)", "IamConnectBenchmark.lavaVsAwsWrapper", "", WRAPPER,
                Double.NaN, "-", "wrapperPlugins=iam (no failover/efm), iamRegion; one TLS-only role per driver, "
                        + "password = the token its cache reuses");
        pair("3b", "Secrets Manager connect, open+close (cached secret)",
                "SecretConnectBenchmark.lavaVsSecretsManagerJdbc", "", SECRETS_MANAGER_JDBC, Double.NaN, "-",
                "same secret and role; library pointed at the stub by drivers.vpcEndpointUrl/Region");
    }

    /**
     * Row 2b: row 2's resolve timed right after each of a series of pgjdbc connects; the ratio is the resolve's share
     * of the connect before it.
     */
    private void resolveBetweenConnects() {
        String name = "ResolveBetweenConnectsBenchmark.resolveAfterConnect";
        String measure = "warm resolve between connects (row 2's work, timed right after each connect)";
        PairStats stats = null;
        String failure = na(name);
        if (jmh.containsKey(name)) {
            try {
                stats = PairStats.read(notes.resolve(name + ".pairs"));
            } catch (IOException | RuntimeException e) {
                failure = "n/a (" + e.getMessage() + ")";
            }
        }
        if (stats == null) {
            table.add("2b", measure, failure, "-", "-", "-", "");
            return;
        }
        String fork = note(name);
        table.add("2b", measure, "median " + Cells.micros(stats.lavaMedianNanos() / 1e3, Double.NaN, 1),
                "pgjdbc connect before it: median " + Cells.millis(stats.baselineMedianNanos()),
                Cells.ratio(stats.ratio(), stats.ratioLow(), stats.ratioHigh()), "-",
                stats.pairs() + " connects; ratio = resolve / the connect before it: the share of a warm connect the "
                        + "driver's own work takes, with CPU caches and JIT as a connect leaves them"
                        + (fork.isEmpty() ? "" : "; lava-pg: " + fork));
    }

    private void pair(String n, String measure, String name, String subject, String baselineLabel, double bound,
                      String goal, String notes) {
        PairStats stats = null;
        String failure = null;
        if (!jmh.containsKey(name)) {
            failure = na(name);
        } else {
            try {
                stats = PairStats.read(this.notes.resolve(name + ".pairs"));
            } catch (IOException | RuntimeException e) {
                failure = "n/a (" + e.getMessage() + ")";
            }
        }
        if (stats == null) {
            table.add(n, measure, failure, baselineLabel + ": " + failure, "n/a", goal, notes);
            return;
        }
        String lava = subject + "median " + Cells.millis(stats.lavaMedianNanos());
        String base;
        String ratio = "n/a";
        String verdict = goal;
        if (stats.baselineMedianNanos() < 0) {
            String reason = read(name + ".baseline-failure");
            base = baselineLabel + ": n/a (" + (reason.isEmpty() ? "no result" : reason) + ")";
        } else {
            base = baselineLabel + ": median " + Cells.millis(stats.baselineMedianNanos());
            ratio = Cells.ratio(stats.ratio(), stats.ratioLow(), stats.ratioHigh());
            if (!Double.isNaN(bound)) {
                verdict = Cells.atMost(stats.ratio(), stats.ratioLow(), stats.ratioHigh(), bound, goal);
            }
        }
        String fork = note(name);
        table.add(n, measure, lava, base, ratio, verdict, stats.pairs() + " interleaved pairs; " + notes
                + (fork.isEmpty() ? "" : "; lava-pg: " + fork));
    }

    /**
     * Rows 1p and 1pc: row 1's warm connect with an operator policy in force against the same connect without one,
     * and the control, the connect without a policy against itself, each side in JVMs of its own ({@link PolicyConnect}).
     */
    void policyRows(PolicyConnect.Outcome o) {
        PairStats p = o.policy();
        table.add("1p", "warm connect with an operator policy in force (row 1's bench/warm, own JVM)",
                "policy: median " + Cells.millis(p.lavaMedianNanos()),
                "no policy: median " + Cells.millis(p.baselineMedianNanos()),
                Cells.ratio(p.ratio(), p.ratioLow(), p.ratioHigh()), "-",
                p.pairs() + " interleaved pairs across JVMs, " + o.policyRounds().length + " rounds of fresh JVMs "
                        + "(per round " + PolicyConnect.rounds(o.policyRounds()) + "); policy: allowedRealms, "
                        + "allowedHosts, awsEndpointUrl, awsRegion, minimumSslMode=verify-full, default "
                        + "allowedProperties" + (o.sameUrl() ? " + awsEndpointUrl, awsRegion; both URLs "
                        + "jdbc:lava-pg:bench/warm?awsEndpointUrl=...&awsRegion=... (bench.policySameUrl); "
                        : "; URL jdbc:lava-pg:bench/warm (no policy: with awsEndpointUrl, awsRegion); ")
                        + "policy JVM: " + o.policyNote());
        PairStats c = o.control();
        table.add("1pc", "control: no policy in two JVMs (true ratio 1)",
                "no policy: median " + Cells.millis(c.lavaMedianNanos()),
                "no policy: median " + Cells.millis(c.baselineMedianNanos()),
                Cells.ratio(c.ratio(), c.ratioLow(), c.ratioHigh()), "-",
                c.pairs() + " interleaved pairs, the same steps as 1p (per round "
                        + PolicyConnect.rounds(o.controlRounds()) + "); the noise floor of 1p: how far a ratio "
                        + "between two JVMs strays from 1 by chance; no-policy JVM: " + o.plainNote());
    }

    /** Rows 1p and 1pc when they could not run. */
    void policyRowsFailed(String reason) {
        table.add("1p", "warm connect with an operator policy in force", "n/a (" + reason + ")", "-", "-", "-", "");
    }

    /**
     * Row 4. The promise of docs/caching.md: one load per item however many connect at once. Refresh-ahead reloads
     * (after three quarters of the default TTLs: 45 s for the record, 225 s for the SSM value) may add a call each in a
     * long storm.
     */
    void storm(Storm.Outcome s) {
        long getItem = s.awsCalls().get(Storm.GET_ITEM);
        long getParameter = s.awsCalls().get(Storm.GET_PARAMETER);
        long seconds = s.wallNanos() / 1_000_000_000L;
        long refreshes = seconds / 45 + seconds / 225;
        boolean met = s.jmx().get("RecordCacheMisses") == 1 && s.jmx().get("ParameterCacheMisses") == 1
                && getItem <= 1 + seconds / 45 && getParameter <= 1 + seconds / 225 && s.failures() == 0;
        table.add("4", "storm: " + s.threads() + " threads x " + s.connectsPerThread()
                        + " connects, cold cache (fresh conn_id, SSM)",
                "p50 " + Cells.millis(s.percentile(0.50)) + ", p99 " + Cells.millis(s.percentile(0.99)) + ", max "
                        + Cells.millis(s.percentile(1.0)),
                "-", "-", "1 load per item: " + (met ? "met" : "missed"),
                "took " + seconds + " s; endpoint saw GetItem " + getItem + ", GetParameter " + getParameter
                        + ", GetSecretValue " + s.awsCalls().get(Storm.GET_SECRET_VALUE) + "; JMX " + jmx(s.jmx())
                        + (getItem + getParameter > 2 && refreshes > 0 ? "; calls past the first per item are "
                        + "refresh-ahead reloads (record after 45 s)" : "") + "; " + s.failures() + " failed"
                        + (s.firstFailure() == null ? "" : " (" + s.firstFailure() + ")"));
    }

    /** Row 4 when the storm could not run. */
    void stormFailed(String reason) {
        table.add("4", "storm, cold cache", "n/a (" + reason + ")", "-", "-", "1 call per item", "");
    }

    /** Row 5: one line per variant, and the goal and timeline under the table. */
    void coldStart(ColdStart.Outcome c) {
        ColdStartReport.rows(table, c);
        after.append(ColdStartReport.block(c));
    }

    /** Row 5 when it could not run. */
    void coldStartFailed(String reason) {
        table.add("5", "cold start: fresh JVM to first query", "n/a (" + reason + ")", "-", "-", "-", "");
    }

    /** Row 6. */
    void sizes(Sizes s) throws IOException {
        String all = s.allJar() == null ? "-all jar: not built" : "-all jar " + Cells.bytes(Files.size(s.allJar()));
        table.add("6", "size", "thin jar " + Cells.bytes(Files.size(s.thinJar())) + "; " + all
                        + "; runtime set " + Cells.bytes(s.runtimeBytes()) + " (" + s.runtimeJars().size() + " jars)",
                "pgjdbc jar: " + Cells.bytes(Files.size(s.pgjdbcJar())), "-", "-",
                "runtime set = thin jar + its runtime dependencies, optional picocli excluded");
    }

    /** Row 6 when the jars could not be found. */
    void sizesFailed(String reason) {
        table.add("6", "size", "n/a (" + reason + ")", "-", "-", "-", "");
    }

    /** Row 7. Goal: no failed connect; threads and heap bounded. */
    void soak(Soak.Outcome s) {
        table.add("7", "soak: " + s.threads() + " threads for " + s.seconds() + " s, " + s.faultPercent()
                        + " % of AWS calls faulted at random, 1 s TTLs, three conn_ids",
                s.connects() + " connects, " + s.failures() + " failed", "-", "-",
                "0 failed: " + (s.failures() == 0 ? "met" : "missed"),
                s.awsCalls() + " AWS calls, " + s.faults() + " faulted; threads " + s.threadsBefore()
                        + " before, at most " + s.threadsMax() + " during; heap " + s.heapBeforeMiB() + " MiB before, "
                        + s.heapAfterMiB() + " MiB after (after GC)"
                        + (s.firstFailure() == null ? "" : "; first failure: " + s.firstFailure()));
    }

    /** Row 7 when it could not run. */
    void soakFailed(String reason) {
        table.add("7", "soak under random AWS faults", "n/a (" + reason + ")", "-", "-", "0 failed", "");
    }

    /** Row 8. Goal: every JVM connects. */
    void fleet(Fleet.Outcome f) {
        table.add("8", "fleet: " + f.size() + " fresh JVMs at once, one conn_id, GetParameter held to " + f.rate()
                        + "/s (burst 1)",
                f.connected() + " connected, " + (f.size() - f.connected()) + " failed, last after "
                        + String.format(java.util.Locale.ROOT, "%.1f s", f.wallMillis() / 1000.0), "-", "-",
                "0 failed: " + (f.connected() == f.size() ? "met" : "missed"),
                f.calls() + " GetParameter calls, " + f.throttled() + " throttled; default awsApiCallTimeout"
                        + (f.firstFailure() == null ? "" : "; first failure: " + f.firstFailure()));
    }

    /** Row 8 when it could not run. */
    void fleetFailed(String reason) {
        table.add("8", "fleet of fresh JVMs, rate-limited SSM", "n/a (" + reason + ")", "-", "-", "0 failed", "");
    }

    /** @return the table, then the lines some rows print under it (row 5's goal and timeline) */
    String render() {
        return table.render() + after;
    }

    private static String jmx(Map<String, Long> jmx) {
        StringBuilder s = new StringBuilder();
        jmx.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return s.toString();
    }

    private String na(String benchmark) {
        String reason = read(benchmark + ".failure");
        return "n/a (" + (reason.isEmpty() ? "no result; see target/bench/jmh.log" : reason) + ")";
    }

    private String note(String benchmark) {
        return read(benchmark + ".note");
    }

    private String read(String file) {
        Path path = notes.resolve(file);
        try {
            return Files.isRegularFile(path) ? Files.readString(path, StandardCharsets.UTF_8).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
