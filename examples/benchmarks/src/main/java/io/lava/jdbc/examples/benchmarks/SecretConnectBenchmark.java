package io.lava.jdbc.examples.benchmarks;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

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
    public static class Lava extends LavaConnector {
        @Override
        protected String connId() {
            return BenchEnv.SECRET;
        }
    }

    /** The AWS Secrets Manager JDBC driver, its secret cache warmed by one connect. */
    @State(Scope.Thread)
    public static class SecretsManagerJdbc extends BaselineConnector {
        @Override
        protected void configure(BenchEnv env) throws ClassNotFoundException {
            url = env.serverUrl("jdbc-secretsmanager:postgresql:");
            info = env.tls();
            info.setProperty("user", BenchEnv.SECRET_ID);
            info.setProperty("ApplicationName", "lv-" + BenchEnv.REALM + "-" + BenchEnv.SECRET);
            // the library has no META-INF/services entry: a tool names its driver class, as here
            Class.forName("com.amazonaws.secretsmanager.sql.AWSSecretsManagerPostgreSQLDriver");
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
