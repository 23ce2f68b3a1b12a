package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.internal.hook.TestHook;
import java.sql.SQLException;
import java.util.Arrays;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Row 2b: row 2's warm resolve ({@link io.lava.jdbc.internal.engine.Engine#resolve}, reached through
 * {@link TestHook#resolve}, the documented seam onto the engine the driver itself connects through, as {@link io.lava.jdbc.LavaPgDriver#connect}
 * calls it), timed where it
 * runs in real use: right after a connect. Each invocation opens and closes one pgjdbc connection with
 * row 1's settings, then times one resolve with {@link System#nanoTime()}. Between connects the CPU caches hold the
 * TLS handshake's data, not the driver's, and code called once per connect stays at the JIT tiers a few thousand calls
 * reach, so this is what the driver's own work costs a warm connect; row 2's tight loop is its floor. Only measurement
 * iterations count; the pairs {@code <resolve nanos> <connect nanos>} go to {@code <Class.method>.pairs}, whose ratio
 * is the resolve's share of a connect. JMH's own score (a connect plus a resolve) is not used.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class ResolveBetweenConnectsBenchmark {
    private final Properties info = new Properties();
    private String url;
    private BenchEnv bench;
    private BenchMetrics before;
    private boolean measuring;
    private long[] resolves = new long[1024];
    private long[] connects = new long[1024];
    private int size;

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
            resolve();
        });
        before = BenchMetrics.snapshot();
    }

    /**
     * Keeps samples from measurement iterations only.
     *
     * @param iteration JMH's description of the iteration about to run
     */
    @Setup(Level.Iteration)
    public void iteration(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
    }

    /**
     * Leaves the pairs and the AWS calls made while measuring (expected: none) for the table.
     *
     * @param params the running benchmark
     */
    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) {
        bench.note(BenchEnv.shortName(params), before.since());
        PairedSamples.write(BenchEnv.shortName(params), resolves, connects, size);
    }

    /**
     * @param direct pgjdbc with row 1's settings
     * @return the resolution, so that nothing is optimised away
     * @throws SQLException when the connect or the resolve fails
     */
    @Benchmark
    public Object resolveAfterConnect(WarmConnectBenchmark.Direct direct) throws SQLException {
        if (!direct.available()) {
            throw new IllegalStateException("pgjdbc could not connect: see its row");
        }
        long start = System.nanoTime();
        direct.connectAndClose();
        long connected = System.nanoTime();
        Object resolution = resolve();
        long resolved = System.nanoTime();
        if (measuring) {
            if (size == resolves.length) {
                resolves = Arrays.copyOf(resolves, size * 2);
                connects = Arrays.copyOf(connects, size * 2);
            }
            resolves[size] = resolved - connected;
            connects[size] = connected - start;
            size++;
        }
        return resolution;
    }

    private Object resolve() throws SQLException {
        return TestHook.resolve(url, info);
    }
}
