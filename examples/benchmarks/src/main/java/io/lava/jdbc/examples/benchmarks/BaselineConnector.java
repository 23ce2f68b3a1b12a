package io.lava.jdbc.examples.benchmarks;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The driver lava-pg is compared with in a paired benchmark, checked by one connect before measuring; when it cannot
 * be set up, the row says why and only lava-pg's side is measured. Subclasses are the JMH {@code @State} classes and
 * configure the URL and properties.
 */
public abstract class BaselineConnector implements PairedSamples.Connector {
    Driver driver;
    String url;
    Properties info;
    private boolean available;

    /**
     * Sets {@link #url} and {@link #info}.
     *
     * @param env the benchmark environment
     * @throws Exception when the driver cannot be configured
     */
    protected abstract void configure(BenchEnv env) throws Exception;

    /**
     * Makes the first connect; the default just connects (a subclass may first prime a cache the server must accept).
     *
     * @param env the benchmark environment
     * @throws Exception when the connect fails
     */
    protected void firstConnect(BenchEnv env) throws Exception {
        connectAndClose();
    }

    /**
     * Configures the driver and checks it with one connect.
     *
     * @param params the running benchmark
     */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        BenchEnv env = BenchEnv.load();
        available = env.tryBaseline(BenchEnv.shortName(params), () -> {
            configure(env);
            driver = DriverManager.getDriver(url);
            firstConnect(env);
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
