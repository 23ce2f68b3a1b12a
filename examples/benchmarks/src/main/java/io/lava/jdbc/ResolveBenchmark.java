package io.lava.jdbc;

import io.lava.jdbc.examples.benchmarks.BenchEnv;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
 * Row 2: what lava-pg adds to every warm connect before pgjdbc runs, with no network: parse the URL and read and
 * validate the options ({@link ConnectionRequest#of}: {@link ConnectionRef#parse}, {@link ConnectionOptions#of}), then
 * resolve record and SSM password through the warm caches ({@link Resolver#resolve}), exactly as
 * {@link LavaPgDriver#connect} does. Lives in the driver's package to call those package-private steps.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ResolveBenchmark {
    private final UnaryOperator<String> env = System::getenv;
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
     * @return the {@link Resolution}, so that nothing is optimised away (typed {@code Object}: the class is
     *     package-private and JMH's generated code lives in another package)
     * @throws SQLException when a step fails
     */
    @Benchmark
    public Object warmResolve() throws SQLException {
        ConnectionRequest request = ConnectionRequest.of(url, info, env);
        return Resolver.resolve(request.ref(), request.options());
    }
}
