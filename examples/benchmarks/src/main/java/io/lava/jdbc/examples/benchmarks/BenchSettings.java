package io.lava.jdbc.examples.benchmarks;

import java.util.Properties;

/**
 * How long and how hard the run is, from system properties ({@code mvn ... exec:java -Dbench.quick=true}).
 *
 * <p>Defaults: JMH 1 fork, 4 warmup and 6 measurement iterations of 2 s (a connect takes milliseconds here, and C2
 * needs a few seconds of them to settle); storm 64 threads x 50 connects; 9 timed cold-start rounds.
 * {@code -Dbench.quick=true} is a smoke run: 1 warmup and 2 measurement iterations of 0.5 s, storm 16 x 10, 2 cold
 * start rounds. Each number can also be set on its own (below); a bad value stops the run before anything starts.
 *
 * @param quick whether {@code bench.quick} is set
 * @param warmupIterations {@code bench.warmupIterations}: JMH warmup iterations per benchmark
 * @param measurementIterations {@code bench.measurementIterations}: JMH measurement iterations per benchmark
 * @param iterationMillis {@code bench.iterationMillis}: length of one JMH iteration
 * @param stormThreads {@code bench.stormThreads}: threads connecting at once in the storm
 * @param stormConnects {@code bench.stormConnects}: connects per storm thread
 * @param coldStartRuns {@code bench.coldStartRuns}: timed cold-start rounds (each runs every variant once)
 * @param soakSeconds {@code bench.soakSeconds}: how long the soak (row 7) runs (default 180, quick 20)
 * @param soakThreads {@code bench.soakThreads}: threads connecting in the soak (default 16, quick 8)
 * @param soakFaultPercent {@code bench.soakFaultPercent}: percentage of AWS calls faulted in the soak (default 30)
 * @param fleetSize {@code bench.fleetSize}: fresh JVMs starting at once in the fleet (row 8; default 20, quick 10)
 * @param fleetRate {@code bench.fleetRate}: {@code GetParameter} requests a second the fleet's token bucket lets
 *     through, burst 1 (default 1)
 * @param policyRounds {@code bench.policyRounds}: rounds of row 1p, each with three fresh JVMs (default 3, quick 1)
 * @param policySameUrl {@code bench.policySameUrl}: row 1p's policy JVM uses the same URL as the others (with
 *     {@code awsEndpointUrl} and {@code awsRegion}, which its policy then allows and still fixes); default false
 * @param rows {@code bench.rows}: which rows run, e.g. {@code 7,8}; default all
 */
record BenchSettings(boolean quick, int warmupIterations, int measurementIterations, int iterationMillis,
                     int stormThreads, int stormConnects, int coldStartRuns, int soakSeconds, int soakThreads,
                     int soakFaultPercent, int fleetSize, int fleetRate, int policyRounds,
                     boolean policySameUrl, java.util.Set<String> rows) {

    /** @return whether row {@code row} (e.g. {@code "4"}; rows 1 to 3 are {@code "1"}, 1p and 1pc {@code "1p"}) runs */
    boolean runs(String row) {
        return rows.isEmpty() || rows.contains(row);
    }

    /**
     * @param p the system properties (or any properties, for tests)
     * @return the settings
     * @throws IllegalArgumentException naming the property whose value is not a whole number in range
     */
    static BenchSettings from(Properties p) {
        String quickValue = p.getProperty("bench.quick", "false").trim();
        if (!quickValue.equalsIgnoreCase("true") && !quickValue.equalsIgnoreCase("false")
                && !quickValue.isEmpty()) {
            throw new IllegalArgumentException("bench.quick='" + quickValue + "' is not true or false");
        }
        boolean quick = quickValue.isEmpty() || Boolean.parseBoolean(quickValue);
        return new BenchSettings(quick,
                number(p, "bench.warmupIterations", quick ? 1 : 4, 0, 100),
                number(p, "bench.measurementIterations", quick ? 2 : 6, 1, 100),
                number(p, "bench.iterationMillis", quick ? 500 : 2000, 100, 60_000),
                number(p, "bench.stormThreads", quick ? 16 : 64, 1, 150),
                number(p, "bench.stormConnects", quick ? 10 : 50, 1, 10_000),
                number(p, "bench.coldStartRuns", quick ? 2 : 9, 1, 100),
                number(p, "bench.soakSeconds", quick ? 20 : 180, 5, 3600),
                number(p, "bench.soakThreads", quick ? 8 : 16, 1, 100),
                number(p, "bench.soakFaultPercent", 30, 0, 90),
                number(p, "bench.fleetSize", quick ? 10 : 20, 1, 200),
                number(p, "bench.fleetRate", 1, 1, 1000),
                number(p, "bench.policyRounds", quick ? 1 : 3, 1, 100),
                Boolean.parseBoolean(p.getProperty("bench.policySameUrl", "false").trim()),
                rows(p.getProperty("bench.rows", "")));
    }

    private static java.util.Set<String> rows(String value) {
        java.util.Set<String> rows = new java.util.TreeSet<>();
        for (String row : value.split(",")) {
            if (!row.isBlank()) {
                rows.add(row.trim());
            }
        }
        return java.util.Set.copyOf(rows);
    }

    /** @return e.g. {@code JMH 1.37: 1 fork, 4x2 s warmup, 6x2 s measurement} */
    String describeJmh(String jmhVersion) {
        String seconds = iterationMillis % 1000 == 0 ? (iterationMillis / 1000) + " s"
                : String.format(java.util.Locale.ROOT, "%.1f s", iterationMillis / 1000.0);
        return "JMH " + jmhVersion + ": 1 fork, " + warmupIterations + "x" + seconds + " warmup, "
                + measurementIterations + "x" + seconds + " measurement" + (quick ? " (bench.quick)" : "");
    }

    private static int number(Properties p, String name, int defaultValue, int min, int max) {
        String value = p.getProperty(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(name + "='" + value + "' is not a whole number from " + min + " to "
                + max + " (default " + defaultValue + ")");
    }
}
