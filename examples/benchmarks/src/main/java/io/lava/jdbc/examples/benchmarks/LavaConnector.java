package io.lava.jdbc.examples.benchmarks;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * lava-pg for one conn_id of the benchmark realm, its record, credentials and AWS clients cached by one connect before
 * measuring; after the trial it leaves the AWS calls and token mints made while measuring (expected: none) for the
 * table. Subclasses are the JMH {@code @State} classes of the paired benchmarks and name their conn_id.
 */
public abstract class LavaConnector implements PairedSamples.Connector {
    Driver driver;
    String url;
    final Properties info = new Properties();
    BenchEnv env;
    private BenchMetrics before;

    /** @return the conn_id this state connects through */
    protected abstract String connId();

    /**
     * Runs before the warming connect, with {@link #url} set (e.g. to give an IAM role its token as password).
     *
     * @throws Exception when the preparation fails
     */
    protected void prepare() throws Exception {
    }

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
            url = env.lavaUrl(connId());
            prepare();
            driver = DriverManager.getDriver(url);
            connectAndClose();
        });
        before = BenchMetrics.snapshot();
    }

    /**
     * Leaves the AWS calls and token mints made while measuring for the table.
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
