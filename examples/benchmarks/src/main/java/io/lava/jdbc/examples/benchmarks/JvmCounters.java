package io.lava.jdbc.examples.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The JVM's own account of a start, from the performance counters a child saved when it exited
 * ({@code -XX:+PerfDataSaveToFile -XX:PerfDataSaveFile=<file>}), read back with
 * {@code <java.home>/bin/jstat -J-Djstat.showUnsupported=true -snap file://<file>}, which prints one
 * {@code name=value} line per counter. Times are counted in ticks of {@code sun.os.hrt.frequency} per second
 * (HotSpot's counters, not a documented interface: names as in OpenJDK 17's {@code classLoader.cpp},
 * {@code compileBroker.cpp}, {@code collectorCounters.cpp}).
 *
 * @param loadedClasses {@code java.cls.loadedClasses}: classes loaded from class files (not from the CDS archive)
 * @param sharedClasses {@code java.cls.sharedLoadedClasses}: classes loaded from the CDS archive (0 when absent)
 * @param classLoadMillis {@code sun.cls.time}: time spent loading classes, summed over all threads
 * @param verifyMillis {@code sun.cls.classVerifyTime}: of that, bytecode verification
 * @param jitMillis {@code sun.ci.standardTime + sun.ci.osrTime}: time the compiler threads spent compiling
 * @param gcMillis {@code sun.gc.collector.0.time + sun.gc.collector.1.time}: time in garbage collections
 * @param lifetimeMillis {@code sun.os.hrt.ticks}: the JVM's lifetime when the counters were saved
 */
record JvmCounters(long loadedClasses, long sharedClasses, double classLoadMillis, double verifyMillis,
                   double jitMillis, double gcMillis, double lifetimeMillis) {

    private static final long TIMEOUT_SECONDS = 60;

    /**
     * @param snap {@code jstat -snap} output
     * @return the counters
     * @throws IllegalArgumentException naming the first required counter that is missing or not a number
     */
    static JvmCounters parse(String snap) {
        Map<String, String> values = new HashMap<>();
        for (String line : snap.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        double ticksPerMilli = number(values, "sun.os.hrt.frequency") / 1000.0;
        return new JvmCounters(
                (long) number(values, "java.cls.loadedClasses"),
                values.containsKey("java.cls.sharedLoadedClasses")
                        ? (long) number(values, "java.cls.sharedLoadedClasses") : 0,
                number(values, "sun.cls.time") / ticksPerMilli,
                number(values, "sun.cls.classVerifyTime") / ticksPerMilli,
                (number(values, "sun.ci.standardTime") + number(values, "sun.ci.osrTime")) / ticksPerMilli,
                (number(values, "sun.gc.collector.0.time") + number(values, "sun.gc.collector.1.time"))
                        / ticksPerMilli,
                number(values, "sun.os.hrt.ticks") / ticksPerMilli);
    }

    /**
     * Runs this JDK's {@code jstat} on a saved counters file.
     *
     * @param file the file a child wrote with {@code -XX:PerfDataSaveFile}
     * @return the counters
     * @throws IOException when jstat cannot run, fails, or prints counters that cannot be read
     * @throws InterruptedException when interrupted
     */
    static JvmCounters read(Path file) throws IOException, InterruptedException {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        Process p = new ProcessBuilder(List.of(jstat.toString(), "-J-Djstat.showUnsupported=true", "-snap",
                "file://" + file.toAbsolutePath())).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jstat did not exit within " + TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("jstat exit " + p.exitValue() + ": " + out.lines().findFirst().orElse(""));
        }
        try {
            return parse(out);
        } catch (IllegalArgumentException e) {
            throw new IOException("jstat: " + e.getMessage(), e);
        }
    }

    private static double number(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no counter " + name);
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("counter " + name + "='" + value + "' is not a number", e);
        }
    }
}
