package io.lava.jdbc.it.tools;

import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.LavaPgDataSource;
import io.lava.jdbc.LavaPgDriver;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/**
 * HikariCP end to end, in the forms users write: {@code dataSourceClassName} + {@code dataSource.*}, and
 * {@code jdbcUrl} with or without {@code driverClassName}; then a full pool under concurrent load, and Hikari's own
 * validation ({@code Connection.isValid}, no test query) on pooled connections.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class HikariIT {
    private static final String PASSWORD = "pool-Pa55-w0rd!";
    private static final String TYPED_PASSWORD = "typed-into-the-pool";
    private static final AtomicInteger REALMS = new AtomicInteger();

    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createRole("pool_etl", PASSWORD);
        pg.createDatabase("pool_dw", "pool_etl");
        SecretLeakGuard.secret(TYPED_PASSWORD);
    }

    /** A fresh realm holding record 'warehouse' and its SSM password. */
    private static String realm() {
        String realm = "hikari" + REALMS.incrementAndGet();
        LavaRealm.create(aws, pg, realm).postgres("warehouse", "pool_dw", "pool_etl", "/lava/" + realm + "/etl",
                PASSWORD);
        return realm;
    }

    private static String query(Connection c, String sql) throws SQLException {
        return Sql.value(c, sql);
    }

    @Test
    void dataSourceClassNameWithDataSourceProperties() throws Exception {
        String realm = realm();
        Properties p = new Properties();
        p.setProperty("dataSourceClassName", LavaPgDataSource.class.getName());
        p.setProperty("dataSource.realm", realm);
        p.setProperty("dataSource.connId", "warehouse");
        p.setProperty("dataSource.awsEndpointUrl", aws.endpoint());
        p.setProperty("dataSource.awsRegion", "us-east-1");
        // PropertyElf calls "set" + the name with its first letter upper-cased: setApplicationName
        p.setProperty("dataSource.ApplicationName", "hikari-ds");
        p.setProperty("dataSource.recordTtl", "120");
        p.setProperty("maximumPoolSize", "2");
        try (HikariDataSource hikari = new HikariDataSource(new HikariConfig(p))) {
            try (Connection c = hikari.getConnection()) {
                assertThat(query(c, "select current_user")).isEqualTo("pool_etl");
                assertThat(query(c, "select current_setting('application_name')")).isEqualTo("hikari-ds");
                assertThat(c.unwrap(PGConnection.class)).isNotNull();
            }
            LavaPgDataSource lava = hikari.unwrap(LavaPgDataSource.class);
            assertThat(lava.getRealm()).isEqualTo(realm);
            assertThat(lava.getRecordTtl()).isEqualTo(120);
            // Hikari sets the DataSource login timeout from its connectionTimeout (30 s + 0.5 s, in seconds)
            assertThat(lava.getLoginTimeout()).isEqualTo(30);
        }
    }

    @Test
    void jdbcUrlAloneFindsTheDriverThroughDriverManager() throws Exception {
        String realm = realm();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:lava-pg:" + realm + "/warehouse?awsRegion=us-east-1&ApplicationName=hikari-url"
                + "&awsEndpointUrl=" + URLEncoder.encode(aws.endpoint(), StandardCharsets.UTF_8));
        config.setMaximumPoolSize(2);
        try (HikariDataSource hikari = new HikariDataSource(config);
             Connection c = hikari.getConnection()) {
            assertThat(query(c, "select current_user")).isEqualTo("pool_etl");
            assertThat(query(c, "select current_setting('application_name')")).isEqualTo("hikari-url");
        }
    }

    @Test
    void jdbcUrlWithDriverClassNameAndDataSourcePropertiesAsDriverProperties() throws Exception {
        String realm = realm();
        HikariConfig config = new HikariConfig();
        config.setDriverClassName(LavaPgDriver.class.getName());
        config.setJdbcUrl("jdbc:lava-pg:warehouse");
        // with jdbcUrl, Hikari hands dataSource.* to Driver.connect as Properties
        config.addDataSourceProperty("realm", realm);
        config.addDataSourceProperty("awsEndpointUrl", aws.endpoint());
        config.addDataSourceProperty("awsRegion", "us-east-1");
        config.addDataSourceProperty("ApplicationName", "hikari-driver");
        // a user name typed into the pool's config is ignored: the record decides
        config.setUsername("postgres");
        config.setPassword(TYPED_PASSWORD);
        config.setMaximumPoolSize(2);
        try (HikariDataSource hikari = new HikariDataSource(config);
             Connection c = hikari.getConnection()) {
            assertThat(query(c, "select current_user")).isEqualTo("pool_etl");
            assertThat(query(c, "select current_setting('application_name')")).isEqualTo("hikari-driver");
        }
    }

    @Test
    void poolOfTwentyUnderFortyThreadsNeverExceedsTwenty() throws Exception {
        String realm = realm();
        String appName = "hikari-load-" + realm;
        LavaPgDataSource lava = new LavaPgDataSource();
        lava.setRealm(realm);
        lava.setConnId("warehouse");
        lava.setAwsEndpointUrl(aws.endpoint());
        lava.setAwsRegion("us-east-1");
        lava.setApplicationName(appName);
        HikariConfig config = new HikariConfig();
        config.setDataSource(lava);
        config.setMaximumPoolSize(20);
        config.setConnectionTimeout(30_000);
        int getItem = aws.calls("DynamoDB_20120810.GetItem");
        int getParameter = aws.calls("AmazonSSM.GetParameter");

        int threads = 40;
        int rounds = 25;
        AtomicInteger succeeded = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger maxTotal = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService workers = Executors.newFixedThreadPool(threads + 1);
        try (HikariDataSource hikari = new HikariDataSource(config)) {
            HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
            Future<?> monitor = workers.submit(() -> {
                while (running.get()) {
                    maxTotal.accumulateAndGet(pool.getTotalConnections(), Math::max);
                    maxActive.accumulateAndGet(pool.getActiveConnections(), Math::max);
                    LockSupport.parkNanos(100_000);
                }
            });
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(workers.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        try (Connection c = hikari.getConnection();
                             PreparedStatement s = c.prepareStatement("select current_user, ?::int, pg_sleep(0.002)")) {
                            s.setInt(1, thread * rounds + i);
                            try (ResultSet rs = s.executeQuery()) {
                                rs.next();
                                if (rs.getString(1).equals("pool_etl") && rs.getInt(2) == thread * rounds + i) {
                                    succeeded.incrementAndGet();
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            running.set(false);
            monitor.get(1, TimeUnit.MINUTES);

            assertThat(failures).isEmpty();
            assertThat(succeeded.get()).isEqualTo(threads * rounds);
            assertThat(maxTotal.get()).isBetween(1, 20);
            assertThat(maxActive.get()).isBetween(2, 20);
            try (Connection admin = pg.adminConnection();
                 PreparedStatement s = admin.prepareStatement(
                         "select count(*) from pg_stat_activity where application_name = ?")) {
                s.setString(1, appName);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("server-side sessions of the pool").isBetween(1, 20);
                }
            }
        } finally {
            running.set(false);
            workers.shutdownNow();
        }
        // every connection of the pool came from one record read and one parameter read (the driver's caches)
        assertThat(aws.calls("DynamoDB_20120810.GetItem") - getItem).isEqualTo(1);
        assertThat(aws.calls("AmazonSSM.GetParameter") - getParameter).isEqualTo(1);
    }

    @Test
    void hikariValidatesPooledConnectionsWithIsValid() throws Exception {
        String realm = realm();
        LavaPgDataSource lava = new LavaPgDataSource();
        lava.setUrl("jdbc:lava-pg:" + realm + "/warehouse");
        lava.setAwsEndpointUrl(aws.endpoint());
        lava.setAwsRegion("us-east-1");
        HikariConfig config = new HikariConfig();
        config.setDataSource(lava);
        config.setMaximumPoolSize(1);
        assertThat(config.getConnectionTestQuery()).as("Hikari uses Connection.isValid").isNull();
        try (HikariDataSource hikari = new HikariDataSource(config)) {
            String firstPid;
            try (Connection c = hikari.getConnection()) {
                assertThat(c.isValid(2)).isTrue();
                firstPid = query(c, "select pg_backend_pid()");
            }
            long returned = System.nanoTime();
            try (Connection admin = pg.adminConnection(); Statement s = admin.createStatement()) {
                s.execute("select pg_terminate_backend(" + firstPid + ")");
                for (int i = 0; i < 100 && !query(admin, "select count(*) from pg_stat_activity where pid = "
                        + firstPid).equals("0"); i++) {
                    Thread.sleep(20);
                }
            }
            // Hikari validates a connection idle for more than 500 ms before handing it out
            long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - returned);
            Thread.sleep(Math.max(0, 700 - idle));
            try (Connection c = hikari.getConnection()) {
                assertThat(query(c, "select current_user")).isEqualTo("pool_etl");
                assertThat(query(c, "select pg_backend_pid()")).isNotEqualTo(firstPid);
                assertThat(c.isValid(2)).isTrue();
            }
            assertThat(hikari.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
        }
    }
}
