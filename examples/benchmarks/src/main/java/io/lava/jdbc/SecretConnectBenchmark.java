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
 * Row 3, Secrets Manager: open and close one connection whose credentials come from the secret
 * {@value BenchEnv#SECRET_ID}, lava-pg ({@code bench/secret}, a record that names only the secret and the TLS
 * settings) paired with the AWS Secrets Manager JDBC driver ({@code jdbc-secretsmanager:postgresql://...}, the secret
 * id as {@code user}), both over {@code sslmode=verify-full}, both with the secret cached (lava-pg: {@code secretTtl}
 * 300 s; the library: its cache's default hour) ({@link PairedSamples}). The library reads its endpoint from the
 * system properties {@code drivers.vpcEndpointUrl} and {@code drivers.vpcEndpointRegion} ({@link BenchEnv}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SecretConnectBenchmark {

    /** lava-pg with its record, secret and AWS clients cached by one connect before measuring. */
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
                url = env.lavaUrl(BenchEnv.SECRET);
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

    /** The AWS Secrets Manager JDBC driver, its secret cache warmed by one connect. */
    @State(Scope.Thread)
    public static class SecretsManagerJdbc implements PairedSamples.Connector {
        Driver driver;
        String url;
        Properties info;
        boolean available;

        /**
         * Warms the library's secret cache with one connect.
         *
         * @param params the running benchmark
         */
        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            BenchEnv env = BenchEnv.load();
            available = env.tryBaseline(BenchEnv.shortName(params), () -> {
                url = env.serverUrl("jdbc-secretsmanager:postgresql:");
                info = env.tls();
                info.setProperty("user", BenchEnv.SECRET_ID);
                info.setProperty("ApplicationName", "lv-" + BenchEnv.REALM + "-" + BenchEnv.SECRET);
                // the library has no META-INF/services entry: a tool names its driver class, as here
                Class.forName("com.amazonaws.secretsmanager.sql.AWSSecretsManagerPostgreSQLDriver");
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
     * @param lava lava-pg with a cached secret
     * @param library the AWS Secrets Manager JDBC driver with a cached secret
     * @param pairs the timings
     * @throws SQLException when a connect fails
     */
    @Benchmark
    public void lavaVsSecretsManagerJdbc(Lava lava, SecretsManagerJdbc library, PairedSamples pairs)
            throws SQLException {
        pairs.measure(lava, library);
    }
}
