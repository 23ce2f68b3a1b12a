package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.internal.hook.TestHook;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Row 2: what lava-pg adds to every warm connect before pgjdbc runs, with no network:
 * {@link io.lava.jdbc.internal.engine.Engine#resolve}, exactly as {@link io.lava.jdbc.LavaPgDriver#connect} calls it,
 * reached through {@link TestHook#resolve}, the documented seam onto the engine the driver itself connects through. With warm caches that is
 * the reuse of the resolution of an earlier connect with the same URL and properties (the engine's reuse of resolutions), and
 * once per 45 s (three quarters of {@code recordTtl}) a full parse and resolve through the caches.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ResolveBenchmark {
    private final Properties info = new Properties();
    private String url;
    private BenchEnv bench;
    private BenchMetrics before;

    /**
     * Warms the record and parameter caches (and builds the AWS clients) with one resolve over the local endpoint.
     *
     * @param params the running benchmark
     * @throws Exception when the resolve fails
     */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        bench = BenchEnv.load();
        bench.guard(BenchEnv.shortName(params), () -> {
            url = bench.lavaUrl(BenchEnv.WARM);
            warmResolve();
        });
        before = BenchMetrics.snapshot();
    }

    /**
     * Leaves the AWS calls made while measuring (expected: none) for the table.
     *
     * @param params the running benchmark
     */
    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) {
        bench.note(BenchEnv.shortName(params), before.since());
    }

    /**
     * @return the resolution, so that nothing is optimised away (typed {@code Object}: the class is
     *     package-private and JMH's generated code lives in another package)
     * @throws SQLException when a step fails
     */
    @Benchmark
    public Object warmResolve() throws SQLException {
        return TestHook.resolve(url, info);
    }
}
