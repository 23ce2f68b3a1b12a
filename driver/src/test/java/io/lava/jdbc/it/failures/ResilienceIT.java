package io.lava.jdbc.it.failures;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.TestEngine;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.lava.jdbc.internal.engine.SharedEngine;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a pool user notices when AWS misbehaves: single-flight storms, stale values during outages, fast failures on a
 * cold cache, rotated passwords picked up, and the JMX counters that show it. AWS faults are injected by a WireMock
 * placed in front of the local AWS endpoint.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class ResilienceIT {
    private static final String PASSWORD = "resilience-Pa55";
    private static final AtomicInteger REALMS = new AtomicInteger();

    private static LocalPostgres pg;
    private static LocalAws aws;
    /** Proxies everything to {@link #aws} unless a test stubs a fault for one operation. */
    private static WireMockServer front;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        // the JVM has its platform MBean server before the first connect (as under a JMX agent, an application server
        // or a pool that registers MBeans), so the driver registers its MBean at once instead of a few seconds later
        ManagementFactory.getPlatformMBeanServer();
        pg = postgres;
        aws = localAws;
        pg.createRole("res_user", PASSWORD);
        pg.createDatabase("res_db", "res_user");
        front = new WireMockServer(wireMockConfig().dynamicPort());
        front.start();
        front.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(aws.endpoint())));
    }

    @AfterAll
    static void tearDown() {
        front.stop();
    }

    private static String realm() {
        String realm = "res" + REALMS.incrementAndGet();
        aws.createConnectionsTable(realm);
        return realm;
    }

    private static Map<String, Object> record(String realm, String connId) {
        return LavaRealm.postgresRecord(connId, pg, "res_db", "res_user", "/lava/" + realm + "/res");
    }

    /** A fresh realm with record 'db' (SSM password). */
    private static String realmWithRecord() {
        String realm = realm();
        aws.putRecord(LocalAws.connectionsTable(realm), record(realm, "db"));
        aws.putParameter("/lava/" + realm + "/res", PASSWORD);
        return realm;
    }

    private static Properties props(String endpoint) {
        Properties p = LavaRealm.awsProperties(aws);
        p.setProperty("awsEndpointUrl", endpoint);
        p.setProperty("awsApiCallTimeout", "3");
        p.setProperty("awsApiCallAttemptTimeout", "1");
        return p;
    }

    private static void connectAndQuery(String url, Properties p) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement()) {
            s.execute("select 1");
        }
    }

    private static void connectAndQuery(TestEngine test, String url, Properties p) throws SQLException {
        try (Connection c = test.connect(url, p); Statement s = c.createStatement()) {
            s.execute("select 1");
        }
    }

    private static long metric(String attribute) throws Exception {
        return (Long) ManagementFactory.getPlatformMBeanServer()
                .getAttribute(new ObjectName("io.lava.jdbc:type=LavaPgDriver"), attribute);
    }

    private static void storm(int threads, ThrowingRunnable connect) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    connect.run();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : results) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    // ---- single flight ----

    @Test
    void sixtyFourConnectsAtOnceCostOneGetItemAndOneGetParameter() throws Exception {
        String realm = realmWithRecord();
        int getItem = aws.calls("DynamoDB_20120810.GetItem");
        int getParameter = aws.calls("AmazonSSM.GetParameter");
        storm(64, () -> connectAndQuery("jdbc:lava-pg:" + realm + "/db", props(aws.endpoint())));
        assertThat(aws.calls("DynamoDB_20120810.GetItem") - getItem).isEqualTo(1);
        assertThat(aws.calls("AmazonSSM.GetParameter") - getParameter).isEqualTo(1);
    }

    @Test
    void sixtyFourConnectsAtOnceCostOneGetSecretValue() throws Exception {
        String realm = realm();
        aws.putSecret("/lava/" + realm + "/s", "{\"username\":\"res_user\",\"password\":\"" + PASSWORD + "\"}");
        Map<String, Object> r = record(realm, "db");
        r.remove("user");
        r.remove("password");
        r.put("secret_id", "/lava/" + realm + "/s");
        aws.putRecord(LocalAws.connectionsTable(realm), r);
        int getSecret = aws.calls("secretsmanager.GetSecretValue");
        storm(64, () -> connectAndQuery("jdbc:lava-pg:" + realm + "/db", props(aws.endpoint())));
        assertThat(aws.calls("secretsmanager.GetSecretValue") - getSecret).isEqualTo(1);
    }

    @Test
    void sixtyFourResolvesAtOnceMintOneToken() throws Exception {
        String realm = realm();
        Map<String, Object> r = record(realm, "aurora");
        r.put("type", "postgres-aurora");
        r.remove("password");
        aws.putRecord(LocalAws.connectionsTable(realm), r);
        Properties p = props(aws.endpoint());
        p.setProperty("iamHost", realm + ".example.internal"); // a token key no other test uses
        long mints = metric("TokenMints");
        storm(64, () -> assertThat(SharedEngine.get().resolve("jdbc:lava-pg:" + realm + "/aurora", p)
                .resolution().connection().password()).isNotBlank());
        assertThat(metric("TokenMints") - mints).isEqualTo(1);
    }

    // ---- rotation ----

    @Test
    void aRotatedSsmPasswordIsPickedUpByTheNextConnect() throws Exception {
        String realm = realm();
        pg.createRole("rot_ssm", "rot-ssm-old");
        Map<String, Object> r = record(realm, "db");
        r.put("user", "rot_ssm");
        r.put("database", "postgres");
        aws.putRecord(LocalAws.connectionsTable(realm), r);
        aws.putParameter("/lava/" + realm + "/res", "rot-ssm-old");
        String url = "jdbc:lava-pg:" + realm + "/db";
        connectAndQuery(url, props(aws.endpoint())); // the cache now holds the old password for 5 minutes
        pg.setPassword("rot_ssm", "rot-ssm-new");
        aws.putParameter("/lava/" + realm + "/res", "rot-ssm-new");
        long retries = metric("AuthRetries");
        connectAndQuery(url, props(aws.endpoint()));
        assertThat(metric("AuthRetries") - retries).isEqualTo(1);
        connectAndQuery(url, props(aws.endpoint())); // and the fresh value is now the cached one
        assertThat(metric("AuthRetries") - retries).isEqualTo(1);
    }

    @Test
    void aRotatedSecretIsPickedUpByTheNextConnect() throws Exception {
        String realm = realm();
        pg.createRole("rot_sm", "rot-sm-old");
        Map<String, Object> r = record(realm, "db");
        r.remove("user");
        r.remove("password");
        r.put("database", "postgres");
        r.put("secret_id", "/lava/" + realm + "/s");
        aws.putRecord(LocalAws.connectionsTable(realm), r);
        aws.putSecret("/lava/" + realm + "/s", "{\"username\":\"rot_sm\",\"password\":\"rot-sm-old\"}");
        String url = "jdbc:lava-pg:" + realm + "/db";
        connectAndQuery(url, props(aws.endpoint()));
        pg.setPassword("rot_sm", "rot-sm-new");
        aws.putSecret("/lava/" + realm + "/s", "{\"username\":\"rot_sm\",\"password\":\"rot-sm-new\"}");
        connectAndQuery(url, props(aws.endpoint()));
    }

    // ---- AWS faults, warm and cold ----

    enum AwsFault {
        HTTP_500(aResponse().withStatus(500).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"InternalServerError\",\"message\":\"boom\"}")),
        THROTTLING(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")),
        DELAY_BEYOND_TIMEOUT(aResponse().withStatus(200).withFixedDelay(2500)
                .withHeader("Content-Type", "application/x-amz-json-1.1").withBody("{}")),
        MALFORMED_JSON(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"Parameter\": {\"Value\": ")),
        CONNECTION_RESET(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        final ResponseDefinitionBuilder response;

        AwsFault(ResponseDefinitionBuilder response) {
            this.response = response;
        }
    }

    private static StubMapping inject(AwsFault fault, String target) {
        return front.stubFor(post(anyUrl()).atPriority(1).withHeader("X-Amz-Target", equalTo(target))
                .willReturn(fault.response));
    }

    @ParameterizedTest
    @EnumSource(AwsFault.class)
    void warmCacheServesTheLastGoodPasswordThroughAnSsmFault(AwsFault fault) throws Exception {
        String realm = realmWithRecord();
        String url = "jdbc:lava-pg:" + realm + "/db";
        Properties p = props(front.baseUrl());
        p.setProperty("parameterTtl", "1");
        StubMapping stub = null;
        try (TestEngine test = new TestEngine()) {
            connectAndQuery(test, url, p);
            stub = inject(fault, "AmazonSSM.GetParameter");
            test.advance(Duration.ofMillis(1_200)); // the cached value is now past its TTL
            connectAndQuery(test, url, p);
            assertThat(test.metrics().getStaleValuesServed()).isPositive();
            assertThat(front.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(anyUrl())
                    .withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter")))).isNotEmpty();
        } finally {
            if (stub != null) {
                front.removeStub(stub);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AwsFault.class)
    void coldCacheFailsFastAndClearlyOnAnSsmFault(AwsFault fault) {
        String realm = realmWithRecord();
        StubMapping stub = inject(fault, "AmazonSSM.GetParameter");
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> connectAndQuery("jdbc:lava-pg:" + realm + "/db", props(front.baseUrl())))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("08001");
                        assertThat(e.getMessage()).contains("realm '" + realm + "'", "parameter: SSM GetParameter '/lava/"
                                + realm + "/res' ").doesNotContain(PASSWORD); // how it failed: ErrorShapesIT
                        assertThat(e.getCause()).isNotNull();
                    });
            // bounded by awsApiCallTimeout=3 s, not by the endpoint: generous margin, this is not a benchmark
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(20);
        } finally {
            front.removeStub(stub);
        }
    }

    @Test
    void dynamoDbStoppedWarmAndCold() throws Exception {
        LocalAws own = LocalAws.start();
        String realm = "stopped" + REALMS.incrementAndGet();
        own.createConnectionsTable(realm);
        own.putRecord(LocalAws.connectionsTable(realm), record(realm, "db"));
        own.putParameter("/lava/" + realm + "/res", PASSWORD);
        Properties p = props(own.endpoint());
        p.setProperty("recordTtl", "1");
        try (TestEngine test = new TestEngine()) {
            connectAndQuery(test, "jdbc:lava-pg:" + realm + "/db", p);
            own.close();
            test.advance(Duration.ofMillis(1_200));
            connectAndQuery(test, "jdbc:lava-pg:" + realm + "/db", p); // warm: the record is served stale
            assertThat(test.metrics().getStaleValuesServed()).isEqualTo(1);
            assertThatThrownBy(() -> connectAndQuery(test, "jdbc:lava-pg:" + realm + "/other", p)) // cold: clear
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("08001");
                        assertThat(e.getMessage()).contains("record: DynamoDB GetItem on table 'lava." + realm
                                + ".connections' failed", "Check the network");
                    });
        }
    }

    // ---- metrics ----

    @Test
    void jmxCountersFollowColdAndWarmConnects() throws Exception {
        String realm = realmWithRecord();
        String url = "jdbc:lava-pg:" + realm + "/db";
        long recordMisses = metric("RecordCacheMisses");
        long recordHits = metric("RecordCacheHits");
        long parameterMisses = metric("ParameterCacheMisses");
        long parameterHits = metric("ParameterCacheHits");
        long dynamoDbCalls = metric("DynamoDbCalls");
        long ssmCalls = metric("SsmCalls");
        connectAndQuery(url, props(aws.endpoint()));
        assertThat(metric("RecordCacheMisses") - recordMisses).isEqualTo(1);
        assertThat(metric("ParameterCacheMisses") - parameterMisses).isEqualTo(1);
        assertThat(metric("DynamoDbCalls") - dynamoDbCalls).isEqualTo(1);
        assertThat(metric("SsmCalls") - ssmCalls).isEqualTo(1);
        connectAndQuery(url, props(aws.endpoint()));
        assertThat(metric("RecordCacheHits") - recordHits).isEqualTo(1);
        assertThat(metric("ParameterCacheHits") - parameterHits).isEqualTo(1);
        assertThat(metric("DynamoDbCalls") - dynamoDbCalls).isEqualTo(1);
        assertThat(metric("SsmCalls") - ssmCalls).isEqualTo(1);
    }
}
