package io.lava.jdbc.examples.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * JMH state of the paired connect benchmarks (rows 1 and 3): each invocation opens and closes one connection with
 * lava-pg and one with the baseline driver, in alternating order (lava-pg first, then the baseline first, ...), and
 * times each with {@link System#nanoTime()}. The two connects of a pair run within milliseconds of each other, so a
 * load change on a shared machine hits both and cancels out of their ratio; the alternation cancels any advantage of
 * going first. Only measurement iterations are kept; at the end of the trial the pairs are written to
 * {@code <Class.method>.pairs} for the harness ({@link PairStats}).
 *
 * <p>When the baseline driver could not be set up ({@link Connector#available()} false), only lava-pg is timed.
 */
@State(Scope.Thread)
public class PairedSamples {
    /** One driver's open-and-close. */
    public interface Connector {
        /**
         * Opens a connection and closes it.
         *
         * @throws java.sql.SQLException when the connect fails
         */
        void connectAndClose() throws java.sql.SQLException;

        /** @return whether the driver was set up; a baseline that failed is skipped */
        default boolean available() {
            return true;
        }
    }

    private boolean measuring;
    private long invocations;
    private long[] lava = new long[1024];
    private long[] baseline = new long[1024];
    private int size;

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
     * Times one connect of each driver, alternating which goes first.
     *
     * @param lavaPg lava-pg
     * @param other the baseline driver
     * @throws java.sql.SQLException when a connect fails
     */
    public void measure(Connector lavaPg, Connector other) throws java.sql.SQLException {
        long l;
        long b = -1;
        boolean withBaseline = other.available();
        if (!withBaseline || (invocations++ & 1) == 0) {
            l = time(lavaPg);
            if (withBaseline) {
                b = time(other);
            }
        } else {
            b = time(other);
            l = time(lavaPg);
        }
        if (measuring) {
            if (size == lava.length) {
                lava = Arrays.copyOf(lava, size * 2);
                baseline = Arrays.copyOf(baseline, size * 2);
            }
            lava[size] = l;
            baseline[size] = b;
            size++;
        }
    }

    private static long time(Connector c) throws java.sql.SQLException {
        long start = System.nanoTime();
        c.connectAndClose();
        return System.nanoTime() - start;
    }

    /**
     * Writes the pairs, one {@code <lava-pg nanos> <baseline nanos>} line each (baseline {@code -1} when it was
     * skipped), to {@code <Class.method>.pairs} next to the fixture.
     *
     * @param params JMH's description of the benchmark
     */
    @TearDown(Level.Trial)
    public void report(BenchmarkParams params) {
        write(BenchEnv.shortName(params), lava, baseline, size);
    }

    /**
     * Writes pairs, one {@code <first nanos> <second nanos>} line each, to {@code <name>.pairs} next to the fixture,
     * for {@link PairStats#read}.
     *
     * @param name the benchmark's short name {@code Class.method}
     * @param first the first time of each pair (lava-pg's)
     * @param second the second time of each pair (the baseline's, {@code -1} when skipped)
     * @param size how many pairs the arrays hold
     */
    public static void write(String name, long[] first, long[] second, int size) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < size; i++) {
            out.append(first[i]).append(' ').append(second[i]).append('\n');
        }
        try {
            Files.writeString(BenchEnv.load().file(name + ".pairs"), out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
