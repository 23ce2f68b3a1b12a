package io.lava.jdbc.examples.benchmarks;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

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
    public static class Lava extends LavaConnector {
        @Override
        protected String connId() {
            return BenchEnv.WARM;
        }
    }

    /** pgjdbc with the credentials and TLS settings lava-pg resolves for {@code bench/warm}. */
    @State(Scope.Thread)
    public static class Direct extends BaselineConnector {
        @Override
        protected void configure(BenchEnv env) {
            url = env.serverUrl("jdbc:postgresql:");
            info = env.tls();
            info.setProperty("user", BenchEnv.ROLE_SSM);
            info.setProperty("password", env.password(BenchEnv.ROLE_SSM));
            info.setProperty("ApplicationName", "lv-" + BenchEnv.REALM + "-" + BenchEnv.WARM);
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
