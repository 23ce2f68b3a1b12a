package io.lava.jdbc.examples.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Rows 1 to 3: runs the JMH benchmarks of package {@code io.lava.jdbc} ({@code ResolveBenchmark},
 * {@code ResolveBetweenConnectsBenchmark}, {@code WarmConnectBenchmark}, {@code IamConnectBenchmark},
 * {@code SecretConnectBenchmark}), each in one fork of this
 * JDK with a fixed 1 GiB heap, and returns their JMH scores. JMH's own report goes to a log file. A benchmark whose
 * setup failed has no score; its reason is in {@code <Class.method>.failure} next to the fixture. The paired connect
 * benchmarks also leave their pairs there ({@link PairedSamples}).
 */
final class JmhRows {
    /** Benchmarks run, in the order JMH runs them (alphabetical), by short name {@code Class.method}. */
    static final List<String> BENCHMARKS = List.of(
            "IamConnectBenchmark.lavaVsAwsWrapper",
            "ResolveBenchmark.warmResolve",
            "ResolveBetweenConnectsBenchmark.resolveAfterConnect",
            "SecretConnectBenchmark.lavaVsSecretsManagerJdbc",
            "WarmConnectBenchmark.lavaVsPgjdbc",
            "WarmConnectBenchmark.pgjdbcVsPgjdbc");

    private static final String PACKAGE = "io.lava.jdbc.examples.benchmarks.";

    /**
     * A JMH primary result.
     *
     * @param micros the average time per operation in microseconds
     * @param errorMicros JMH's 99.9% confidence half-width in microseconds; {@code NaN} with one iteration
     */
    record Score(double micros, double errorMicros) {
    }

    private JmhRows() {
    }

    /**
     * @param settings iterations and their length
     * @param fixture the fixture file the forks read
     * @param log where JMH's report goes
     * @return scores by short name; a benchmark that failed is absent
     * @throws RunnerException when JMH itself cannot run
     * @throws IOException when the log cannot be written
     */
    static Map<String, Score> run(BenchSettings settings, Path fixture, Path log) throws RunnerException, IOException {
        OptionsBuilder builder = new OptionsBuilder();
        for (String name : BENCHMARKS) {
            builder.include("^" + (PACKAGE + name).replace(".", "\\.") + "$");
        }
        Options options = builder
                .forks(1)
                .threads(1)
                .warmupIterations(settings.warmupIterations())
                .warmupTime(TimeValue.milliseconds(settings.iterationMillis()))
                .measurementIterations(settings.measurementIterations())
                .measurementTime(TimeValue.milliseconds(settings.iterationMillis()))
                .timeout(TimeValue.minutes(2))
                .jvmArgs("-Xms1g", "-Xmx1g", "-D" + BenchEnv.FIXTURE_PROPERTY + "=" + fixture.toAbsolutePath())
                .shouldFailOnError(false)
                .build();

        String ownClasspath = System.getProperty("java.class.path");
        // exec:java runs this class in Maven's JVM: java.class.path is Maven's launcher, not the project. JMH forks
        // with java.class.path, so hand it the class loader's entries.
        System.setProperty("java.class.path", classpath(JmhRows.class.getClassLoader(), ownClasspath));
        System.setProperty("jmh.ignoreLock", "true");
        Map<String, Score> scores = new LinkedHashMap<>();
        try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            Runner runner = new Runner(options, OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL));
            for (RunResult result : runner.run()) {
                String name = result.getParams().getBenchmark().substring(PACKAGE.length());
                Result<?> primary = result.getPrimaryResult();
                double factor = toMicros(primary.getScoreUnit());
                scores.put(name, new Score(primary.getScore() * factor, primary.getScoreError() * factor));
            }
        } finally {
            System.setProperty("java.class.path", ownClasspath);
        }
        return scores;
    }

    /** @return what one unit of JMH's {@code xx/op} is in microseconds */
    static double toMicros(String unit) {
        if (unit.startsWith("ns/")) {
            return 1e-3;
        } else if (unit.startsWith("us/")) {
            return 1;
        } else if (unit.startsWith("ms/")) {
            return 1e3;
        } else if (unit.startsWith("s/")) {
            return 1e6;
        }
        throw new IllegalArgumentException("unexpected JMH unit " + unit);
    }

    /** The entries of a URL class loader (exec:java's), else the JVM's own class path. */
    static String classpath(ClassLoader loader, String fallback) {
        if (!(loader instanceof URLClassLoader)) {
            return fallback;
        }
        List<String> entries = new ArrayList<>();
        for (URL url : ((URLClassLoader) loader).getURLs()) {
            if (!"file".equals(url.getProtocol())) {
                continue;
            }
            try {
                entries.add(Path.of(url.toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("class path entry " + url, e);
            }
        }
        return entries.isEmpty() ? fallback : String.join(File.pathSeparator, entries);
    }
}
