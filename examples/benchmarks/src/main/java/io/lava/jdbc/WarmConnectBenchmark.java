package io.lava.jdbc;

import io.lava.jdbc.examples.benchmarks.BenchEnv;
import io.lava.jdbc.examples.benchmarks.PairedSamples;
import java.sql.Driver;
import java.sql.DriverManager;
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
 * Row 1: open and close one connection, {@code jdbc:lava-pg:bench/warm} (password from SSM, every cache warm) paired
 * with pgjdbc given the same role, password, database, TLS settings ({@code sslmode=verify-full}, the same
 * {@code sslrootcert}) and {@code ApplicationName} ({@link PairedSamples}), and its control, pgjdbc paired with
 * itself. Both call {@link Driver#connect} on the driver {@link DriverManager#getDriver} returned once, as a pool
 * does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WarmConnectBenchmark {

    /** lava-pg with its record, parameter value and AWS clients cached by one connect before measuring. */
    @State(Scope.Thread)
    public static class Lava implements PairedSamples.Connector {
        Driver driver;
        String url;
        Properties info = new Properties();
        BenchEnv env;
        BenchMetrics before;

        /**
         * Warms the caches with one connect.
         *
         * @param params the running benchmark
         * @throws Exception when the connect fails
         */
        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) throws Exception {
            env = BenchEnv.load();
            env.guard(BenchEnv.shortName(params), () -> {
                url = env.lavaUrl(BenchEnv.WARM);
                driver = DriverManager.getDriver(url);
                connectAndClose();
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
            env.note(BenchEnv.shortName(params), before.since());
        }

        @Override
        public void connectAndClose() throws SQLException {
            driver.connect(url, info).close();
        }
    }

    /** pgjdbc with the credentials and TLS settings lava-pg resolves for {@code bench/warm}. */
    @State(Scope.Thread)
    public static class Direct implements PairedSamples.Connector {
        Driver driver;
        String url;
        Properties info;
        boolean available;

        /**
         * Checks the credentials with one connect.
         *
         * @param params the running benchmark
         */
        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            BenchEnv env = BenchEnv.load();
            available = env.tryBaseline(BenchEnv.shortName(params), () -> {
                url = env.serverUrl("jdbc:postgresql:");
                info = env.tls();
                info.setProperty("user", BenchEnv.ROLE_SSM);
                info.setProperty("password", env.password(BenchEnv.ROLE_SSM));
                info.setProperty("ApplicationName", "lv-" + BenchEnv.REALM + "-" + BenchEnv.WARM);
                driver = DriverManager.getDriver(url);
                connectAndClose();
            });
        }

        @Override
        public void connectAndClose() throws SQLException {
            driver.connect(url, info).close();
        }

        @Override
        public boolean available() {
            return available;
        }
    }

    /**
     * @param lava the warm lava-pg driver
     * @param direct pgjdbc with the same settings
     * @param pairs the timings
     * @throws SQLException when a connect fails
     */
    @Benchmark
    public void lavaVsPgjdbc(Lava lava, Direct direct, PairedSamples pairs) throws SQLException {
        pairs.measure(lava, direct);
    }

    /**
     * The control: pgjdbc paired with itself, exactly as {@link #lavaVsPgjdbc} pairs two drivers. Its true ratio is 1,
     * so how far its measured ratio and interval stray from 1 is the noise floor of this machine and run.
     *
     * @param direct pgjdbc, on both sides of each pair
     * @param pairs the timings
     * @throws SQLException when a connect fails
     */
    @Benchmark
    public void pgjdbcVsPgjdbc(Direct direct, PairedSamples pairs) throws SQLException {
        pairs.measure(direct, direct);
    }
}
