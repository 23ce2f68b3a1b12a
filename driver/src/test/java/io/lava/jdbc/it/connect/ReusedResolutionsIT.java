package io.lava.jdbc.it.connect;

import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.TestEngine;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Warm connects with the same URL and properties reuse the earlier resolution, and nothing a user relies on changes:
 * each connect still counts its cache hits, other properties get their own resolution, refresh-ahead still runs when a
 * value is due, a rotated password picked up by one pool reaches every other, and uncached values are read each time.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class ReusedResolutionsIT {
    private static final String PASSWORD = "reuse-Pa55-w0rd";
    private static final AtomicInteger REALMS = new AtomicInteger();

    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        // the JVM has its platform MBean server before the first connect (as under a JMX agent, an application server
        // or a pool that registers MBeans), so the driver registers its MBean at once instead of a few seconds later
        ManagementFactory.getPlatformMBeanServer();
        pg = postgres;
        aws = localAws;
        pg.createRole("reuse_user", PASSWORD);
        pg.createDatabase("reuse_db", "reuse_user");
    }

    /** A fresh realm holding record 'db' for {@code user}; its password is SSM parameter /lava/realm/pw. */
    private static String realmWithRecord(String user, String password) {
        String realm = "reuse" + REALMS.incrementAndGet();
        aws.createConnectionsTable(realm);
        Map<String, Object> r = LavaRealm.postgresRecord("db", pg, "reuse_db", user, "/lava/" + realm + "/pw");
        aws.putRecord(LocalAws.connectionsTable(realm), r);
        aws.putParameter("/lava/" + realm + "/pw", password);
        return realm;
    }

    private static String connect(String realm, Properties p) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/db", p)) {
            return Sql.value(c, "select current_setting('application_name')");
        }
    }

    private static String connect(TestEngine test, String realm, Properties p) throws SQLException {
        try (Connection c = test.connect("jdbc:lava-pg:" + realm + "/db", p)) {
            return Sql.value(c, "select current_setting('application_name')");
        }
    }

    private static long metric(String attribute) throws Exception {
        return (Long) ManagementFactory.getPlatformMBeanServer()
                .getAttribute(new ObjectName("io.lava.jdbc:type=LavaPgDriver"), attribute);
    }

    @Test
    void warmConnectsReuseTheResolutionAndStillCountTheirCacheHits() throws Exception {
        String realm = realmWithRecord("reuse_user", PASSWORD);
        Properties p = LavaRealm.awsProperties(aws);
        connect(realm, p);
        long reused = metric("ResolutionsReused");
        long recordHits = metric("RecordCacheHits");
        long parameterHits = metric("ParameterCacheHits");
        long calls = metric("DynamoDbCalls") + metric("SsmCalls");
        for (int i = 0; i < 5; i++) {
            assertThat(connect(realm, p)).isEqualTo("lv-" + realm + "-db");
        }
        assertThat(metric("ResolutionsReused") - reused).isEqualTo(5);
        assertThat(metric("RecordCacheHits") - recordHits).isEqualTo(5);
        assertThat(metric("ParameterCacheHits") - parameterHits).isEqualTo(5);
        assertThat(metric("DynamoDbCalls") + metric("SsmCalls") - calls).isZero();
    }

    @Test
    void otherPropertiesGetTheirOwnResolution() throws Exception {
        String realm = realmWithRecord("reuse_user", PASSWORD);
        Properties plain = LavaRealm.awsProperties(aws);
        Properties named = LavaRealm.awsProperties(aws);
        named.setProperty("ApplicationName", "nightly-load");
        connect(realm, plain);
        long reused = metric("ResolutionsReused");
        assertThat(connect(realm, named)).isEqualTo("nightly-load");
        assertThat(metric("ResolutionsReused") - reused).as("first connect with other properties").isZero();
        assertThat(connect(realm, named)).isEqualTo("nightly-load");
        assertThat(connect(realm, plain)).isEqualTo("lv-" + realm + "-db");
        assertThat(metric("ResolutionsReused") - reused).isEqualTo(2);
    }

    @Test
    void propertiesThatDifferOnlyInTheirDefaultsAreToldApart() throws Exception {
        String realm = realmWithRecord("reuse_user", PASSWORD);
        Properties defaultsA = LavaRealm.awsProperties(aws);
        defaultsA.setProperty("ApplicationName", "defaults-a");
        Properties defaultsB = LavaRealm.awsProperties(aws);
        defaultsB.setProperty("ApplicationName", "defaults-b");
        // no entries of their own: everything comes from the defaults, as the driver reads it
        assertThat(connect(realm, new Properties(defaultsA))).isEqualTo("defaults-a");
        assertThat(connect(realm, new Properties(defaultsB))).isEqualTo("defaults-b");
        assertThat(connect(realm, new Properties(defaultsA))).isEqualTo("defaults-a");
    }

    @Test
    void reuseEndsWhenAValueIsDueForRefreshSoRefreshAheadStillRuns() throws Exception {
        String realm = realmWithRecord("reuse_user", PASSWORD);
        Properties p = LavaRealm.awsProperties(aws);
        p.setProperty("recordTtl", "8"); // refresh due 6 s after the record is read, expiry at 8 s
        try (TestEngine test = TestEngine.queuingRefreshes()) {
            Metrics m = test.metrics();
            connect(test, realm, p);
            assertThat(m.getDynamoDbCalls()).isEqualTo(1);
            connect(test, realm, p);
            assertThat(m.getResolutionsReused()).isEqualTo(1);

            test.advance(Duration.ofMillis(6_050)); // past the refresh time, before the TTL
            connect(test, realm, p); // reads the cache again: served at once, and the refresh is queued
            assertThat(m.getResolutionsReused()).isEqualTo(1);
            assertThat(m.getRecordCacheHits()).isEqualTo(2);
            assertThat(m.getDynamoDbCalls()).isEqualTo(1);
            assertThat(test.runRefreshes()).as("the background refresh").isPositive();
            assertThat(m.getDynamoDbCalls()).as("the background refresh's GetItem").isEqualTo(2);

            // a resolve through the refreshed record is current again, and the connects after it reuse it
            connect(test, realm, p);
            assertThat(m.getResolutionsReused()).isEqualTo(1);
            connect(test, realm, p);
            assertThat(m.getResolutionsReused()).isEqualTo(2);
            assertThat(m.getDynamoDbCalls()).isEqualTo(2);
        }
    }

    @Test
    void aPasswordRotationSeenByOnePoolEndsReuseInEveryOther() throws Exception {
        pg.createRole("reuse_rot", "reuse-rot-old");
        String realm = realmWithRecord("reuse_rot", "reuse-rot-old");
        Properties poolA = LavaRealm.awsProperties(aws);
        poolA.setProperty("ApplicationName", "pool-a");
        Properties poolB = LavaRealm.awsProperties(aws);
        poolB.setProperty("ApplicationName", "pool-b");
        connect(realm, poolA);
        connect(realm, poolB); // both now reuse a resolution holding the old password

        pg.setPassword("reuse_rot", "reuse-rot-new");
        aws.putParameter("/lava/" + realm + "/pw", "reuse-rot-new");
        long retries = metric("AuthRetries");
        assertThat(connect(realm, poolA)).isEqualTo("pool-a");
        assertThat(metric("AuthRetries") - retries).as("pool A is refused once, then refreshes").isEqualTo(1);
        assertThat(connect(realm, poolB)).isEqualTo("pool-b");
        assertThat(metric("AuthRetries") - retries).as("pool B connects with the new password at once").isEqualTo(1);
    }

    @Test
    void uncachedValuesAreReadForEveryConnect() throws Exception {
        String realm = realmWithRecord("reuse_user", PASSWORD);
        Properties p = LavaRealm.awsProperties(aws);
        p.setProperty("parameterTtl", "0");
        connect(realm, p);
        long reused = metric("ResolutionsReused");
        long ssm = metric("SsmCalls");
        connect(realm, p);
        connect(realm, p);
        assertThat(metric("ResolutionsReused") - reused).isZero();
        assertThat(metric("SsmCalls") - ssm).isEqualTo(2);
    }
}
