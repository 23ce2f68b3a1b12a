package io.lava.jdbc.it.connect;

import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.TestEngine;
import io.lava.jdbc.LavaPgDriver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.engine.Engine;
import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.sources.AwsSources;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import software.amazon.awssdk.regions.Region;

/**
 * End to end through {@link DriverManager#getConnection}: records in the harness's local DynamoDB, WireMock SSM and
 * Secrets Manager, a real PostgreSQL. Each test uses its own realm, so caches never carry over between tests.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class DriverIT {
    private static final String PASSWORD = "etl-Pa55-w0rd!";
    private static final String SECRET_PASSWORD = "s3cret-Pa55-from-sm";
    private static final AtomicInteger REALMS = new AtomicInteger();
    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createRole("etl", PASSWORD);
        pg.createRole("sm_user", SECRET_PASSWORD);
        pg.createDatabase("dw", "etl");
        pg.createDatabase("sm_db", "sm_user");
    }

    @AfterAll
    static void theDriverLogged() {
        assertThat(SecretLeakGuard.lines()).anyMatch(line -> line.contains("io.lava.jdbc"));
    }

    /** A fresh realm with its connections table. */
    private static String realm() {
        String realm = "it" + REALMS.incrementAndGet();
        aws.createConnectionsTable(realm);
        return realm;
    }

    /** A fresh realm holding record 'warehouse' (SSM password) and its parameter. */
    private static String realmWithWarehouse() {
        String realm = realm();
        put(realm, record(realm, "warehouse"));
        aws.putParameter("/lava/" + realm + "/etl", PASSWORD);
        return realm;
    }

    private static Map<String, Object> record(String realm, String connId) {
        Map<String, Object> r = LavaRealm.postgresRecord(connId, pg, "dw", "etl", "/lava/" + realm + "/etl");
        r.put("description", "test warehouse");
        r.put("x-owner", "data team");
        return r;
    }

    private static String put(String realm, Map<String, Object> record) {
        aws.putRecord("lava." + realm + ".connections", record);
        return (String) record.get("conn_id");
    }

    private static Properties props() {
        return LavaRealm.awsProperties(aws);
    }

    private static Connection connect(String realm, String connId) throws SQLException {
        return DriverManager.getConnection("jdbc:lava-pg:" + realm + "/" + connId, props());
    }

    private static String query(Connection c, String sql) throws SQLException {
        return Sql.value(c, sql);
    }

    @Test
    void ssmPasswordGivesPgjdbcsOwnConnection() throws Exception {
        String realm = realmWithWarehouse();
        try (Connection c = connect(realm, "warehouse")) {
            assertThat(query(c, "select current_user")).isEqualTo("etl");
            assertThat(query(c, "select current_database()")).isEqualTo("dw");
            assertThat(query(c, "select current_setting('application_name')")).isEqualTo("lv-" + realm + "-warehouse");
            assertThat(c.unwrap(PGConnection.class)).isNotNull();
            assertThat(c.getClass().getName()).startsWith("org.postgresql.");
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
        }
    }

    @Test
    void connIdWithSlashesAsLavaWritesThem() throws Exception {
        String realm = realm();
        aws.putParameter("/lava/" + realm + "/etl", PASSWORD);
        Map<String, Object> r = record(realm, "db/psql/local");
        r.put("type", "Postgres"); // lava lowercases the type before comparing
        put(realm, r);
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/db/psql/local", props())) {
            assertThat(query(c, "select current_user")).isEqualTo("etl");
            assertThat(query(c, "select current_setting('application_name')"))
                    .isEqualTo("lv-" + realm + "-db/psql/local");
        }
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg://" + realm + "/db%2Fpsql/local", props())) {
            assertThat(query(c, "select current_database()")).isEqualTo("dw");
        }
        Properties p = props();
        p.setProperty("realm", realm);
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:db%2Fpsql%2Flocal", p)) {
            assertThat(query(c, "select current_database()")).isEqualTo("dw");
        }
        // with a '/', the first segment is the realm even when the realm property is set
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:lava-pg:db/psql/local", p))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("lava.db.connections");
    }

    @Test
    void applicationNameFromLavasTemplateInsideAJob() throws Exception {
        String realm = realmWithWarehouse();
        Map<String, String> jobEnv = Map.of("LAVA_JOB_ID", "nightly/load", "LAVA_REALM", realm);
        try (Engine engine = engine(jobEnv);
             Connection c = TestEngine.driverOn(engine).connect("jdbc:lava-pg:" + realm + "/warehouse", props())) {
            assertThat(query(c, "select current_setting('application_name')"))
                    .isEqualTo("lv-" + realm + "-nightly/load");
        }
        Map<String, String> templated = Map.of("LAVA_JOB_ID", "j42",
                "LAVA_CONN_APP_NAME", "etl \"{{ job_id }}\" on {{realm}}/{{ conn_id }} " + "x".repeat(60));
        try (Engine engine = engine(templated);
             Connection c = TestEngine.driverOn(engine).connect("jdbc:lava-pg:" + realm + "/warehouse", props())) {
            String name = query(c, "select current_setting('application_name')");
            assertThat(name).startsWith("etl j42 on " + realm + "/warehouse xxx").hasSize(63);
        }
    }

    private static Engine engine(Map<String, String> env) {
        Metrics metrics = new Metrics();
        return new Engine(env::get, System::nanoTime, Runnable::run, metrics,
                new AwsSources(new AwsClientRegistry(metrics)));
    }

    @Test
    void secretFillsHostPortUserPasswordAndDatabase() throws Exception {
        String realm = realm();
        aws.putSecret("/lava/" + realm + "/sm", "{\"engine\":\"postgres\",\"host\":\"" + pg.host() + "\",\"port\":"
                + pg.port() + ",\"username\":\"sm_user\",\"password\":\"" + SECRET_PASSWORD
                + "\",\"dbname\":\"sm_db\",\"dbClusterIdentifier\":\"cluster-1\"}");
        String connId = put(realm, Map.of("conn_id", "from-secret", "type", "postgres-aurora", "enabled", true,
                "secret_id", "/lava/" + realm + "/sm"));
        try (Connection c = connect(realm, connId)) {
            assertThat(query(c, "select current_user")).isEqualTo("sm_user");
            assertThat(query(c, "select current_database()")).isEqualTo("sm_db");
        }
        assertThat(aws.calls("secretsmanager.GetSecretValue")).isPositive();
    }

    @Test
    void recordWinsOverSecret() throws Exception {
        String realm = realm();
        aws.putParameter("/lava/" + realm + "/etl", PASSWORD);
        aws.putSecret("/lava/" + realm + "/other", "{\"host\":\"" + pg.host() + "\",\"username\":\"sm_user\","
                + "\"password\":\"" + SECRET_PASSWORD + "\",\"dbname\":\"sm_db\",\"port\":1}");
        Map<String, Object> r = record(realm, "mixed");
        r.remove("host");
        r.put("secret_id", "/lava/" + realm + "/other");
        put(realm, r);
        try (Connection c = connect(realm, "mixed")) {
            assertThat(query(c, "select current_user")).isEqualTo("etl");
            assertThat(query(c, "select current_database()")).isEqualTo("dw");
            assertThat(query(c, "select current_setting('port')")).isEqualTo(String.valueOf(pg.port()));
        }
    }

    @Test
    void userAndPasswordFromTheToolNeverOverrideTheRecord() throws Exception {
        String realm = realmWithWarehouse();
        Properties p = props();
        p.setProperty("user", "postgres");
        p.setProperty("password", "typed-into-dbeaver");
        p.setProperty("ApplicationName", "my-tool");
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/warehouse", p)) {
            assertThat(query(c, "select current_user")).isEqualTo("etl");
            assertThat(query(c, "select current_setting('application_name')")).isEqualTo("my-tool");
        }
    }

    @Test
    void realmFromPropertyAndPassThroughFromUrl() throws Exception {
        String realm = realmWithWarehouse();
        Properties p = props();
        p.setProperty("realm", realm);
        try (Connection c = DriverManager.getConnection(
                "jdbc:lava-pg://warehouse?ApplicationName=nightly%20load&options=-c%20search_path%3Dfoo", p)) {
            assertThat(query(c, "select current_setting('application_name')")).isEqualTo("nightly load");
            assertThat(query(c, "select current_setting('search_path')")).isEqualTo("foo");
        }
    }

    @Test
    void sequentialConnectsWithinTheTtlCallAwsOnce() throws Exception {
        String realm = realmWithWarehouse();
        int getItem = aws.calls("DynamoDB_20120810.GetItem");
        int getParameter = aws.calls("AmazonSSM.GetParameter");
        for (int i = 0; i < 5; i++) {
            try (Connection c = connect(realm, "warehouse")) {
                assertThat(c.isValid(5)).isTrue();
            }
        }
        assertThat(aws.calls("DynamoDB_20120810.GetItem") - getItem).isEqualTo(1);
        assertThat(aws.calls("AmazonSSM.GetParameter") - getParameter).isEqualTo(1);
    }

    @Test
    void connectionsTableOverridesTheTableName() throws Exception {
        String realm = "custom" + REALMS.incrementAndGet();
        aws.createTable("team-connections-" + realm);
        aws.putRecord("team-connections-" + realm, record(realm, "warehouse"));
        aws.putParameter("/lava/" + realm + "/etl", PASSWORD);
        Properties p = props();
        p.setProperty("connectionsTable", "team-connections-" + realm);
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/warehouse", p)) {
            assertThat(query(c, "select current_user")).isEqualTo("etl");
        }
    }

    @Test
    void zeroTtlReadsEveryTime() throws Exception {
        String realm = realmWithWarehouse();
        int getItem = aws.calls("DynamoDB_20120810.GetItem");
        Properties p = props();
        p.setProperty("recordTtl", "0");
        for (int i = 0; i < 3; i++) {
            DriverManager.getConnection("jdbc:lava-pg:" + realm + "/warehouse", p).close();
        }
        assertThat(aws.calls("DynamoDB_20120810.GetItem") - getItem).isEqualTo(3);
    }

    @Test
    void offlineRecordsFile(@TempDir Path dir) throws Exception {
        String realm = "offline" + REALMS.incrementAndGet();
        aws.putParameter("/lava/" + realm + "/etl", PASSWORD);
        Path file = dir.resolve("connections.json");
        Files.writeString(file, """
                {"warehouse": {"type": "psql", "enabled": true, "host": "%s", "port": %d, "database": "dw",
                               "user": "etl", "password": "/lava/%s/etl", "x-note": ["ignored"]},
                 "off": {"type": "psql", "enabled": false}}
                """.formatted(pg.host(), pg.port(), realm));
        int getItem = aws.calls("DynamoDB_20120810.GetItem");
        Properties p = props();
        p.setProperty("connectionsFile", file.toString());
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/warehouse", p)) {
            assertThat(query(c, "select current_user")).isEqualTo("etl");
        }
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:lava-pg:" + realm + "/off", p))
                .hasMessageContaining("connection not enabled");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:lava-pg:" + realm + "/nope", p))
                .hasMessageContaining("no such connection in connections file");
        assertThat(aws.calls("DynamoDB_20120810.GetItem")).isEqualTo(getItem);
    }

    @Test
    void sdkEndpointSystemPropertyIsHonoured() throws Exception {
        String realm = realmWithWarehouse();
        aws.replicateTable(LocalAws.connectionsTable(realm), Region.EU_NORTH_1);
        Properties p = new Properties();
        p.setProperty("awsRegion", "eu-north-1"); // a region no other test uses: its clients are built here
        System.setProperty("aws.endpointUrl", aws.endpoint());
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/warehouse", p)) {
            assertThat(query(c, "select current_user")).isEqualTo("etl");
        } finally {
            System.clearProperty("aws.endpointUrl");
        }
    }

    @Test
    void awsProfileSuppliesRegionAndCredentials(@TempDir Path dir) throws Exception {
        String realm = realmWithWarehouse();
        aws.replicateTable(LocalAws.connectionsTable(realm), Region.EU_WEST_3); // the profile's region
        Path config = dir.resolve("config");
        Files.writeString(config, "[profile lava-it]\nregion = eu-west-3\naws_access_key_id = AKIDPROFILE\n"
                + "aws_secret_access_key = profile-secret-key\n");
        Properties p = new Properties();
        p.setProperty("awsEndpointUrl", aws.endpoint());
        p.setProperty("awsProfile", "lava-it");
        System.setProperty("aws.configFile", config.toString());
        try {
            // the message names the region the driver resolved for the table
            assertThatThrownBy(() -> DriverManager.getConnection("jdbc:lava-pg:" + realm + "/ghost", p))
                    .hasMessageContaining("no such connection in DynamoDB table 'lava." + realm
                            + ".connections' (eu-west-3)");
            // an explicit profile's credentials win over the environment's, as with the AWS CLI's --profile
            try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/warehouse", p)) {
                assertThat(query(c, "select current_user")).isEqualTo("etl");
            }
            assertThat(aws.callsSignedBy("AmazonSSM.GetParameter", "AKIDPROFILE")).isEqualTo(1);
        } finally {
            System.clearProperty("aws.configFile");
        }
    }

    // ---- failures: each a clear SQLException with SQLState, realm, conn_id and step ----

    private static void assertFailure(String realm, String connId, String sqlState, String... fragments) {
        assertThatThrownBy(() -> connect(realm, connId))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo(sqlState);
                    assertThat(e.getMessage()).contains("realm '" + realm + "'", "conn_id '" + connId + "'")
                            .contains(fragments)
                            .doesNotContain(PASSWORD, SECRET_PASSWORD);
                });
    }

    @Test
    void disabledRecord() {
        String realm = realm();
        Map<String, Object> r = record(realm, "off");
        r.put("enabled", false);
        put(realm, r);
        assertFailure(realm, "off", "28000", "record: connection not enabled");
    }

    @Test
    void unknownConnId() {
        String realm = realm();
        assertFailure(realm, "ghost", "08001", "record: no such connection in DynamoDB table 'lava." + realm
                + ".connections'");
    }

    @Test
    void unknownRealmHasNoTable() {
        assertFailure("norealm", "warehouse", "08001", "record: DynamoDB table 'lava.norealm.connections'",
                "does not exist");
    }

    @Test
    void wrongType() {
        String realm = realm();
        Map<String, Object> r = record(realm, "my");
        r.put("type", "mysql");
        put(realm, r);
        assertFailure(realm, "my", "08001", "record: invalid connection record: type 'mysql'");
    }

    @Test
    void parameterOutsideTheRealmIsRefusedBeforeAnyAwsCall() {
        String realm = realm();
        Map<String, Object> r = record(realm, "leaky");
        r.put("password", "/lava/otherrealm/etl");
        put(realm, r);
        int before = aws.calls("AmazonSSM.GetParameter");
        assertFailure(realm, "leaky", "28000", "parameter: SSM parameter '/lava/otherrealm/etl' is outside /lava/"
                + realm + "/");
        assertThat(aws.calls("AmazonSSM.GetParameter")).isEqualTo(before);
    }

    @Test
    void missingParameter() {
        String realm = realm();
        put(realm, record(realm, "warehouse"));
        assertFailure(realm, "warehouse", "08001", "parameter: SSM parameter '/lava/" + realm + "/etl' does not exist");
    }

    @Test
    void binarySecretIsRefused() {
        String realm = realm();
        aws.putBinarySecret("/lava/" + realm + "/bin", new byte[] {1, 2, 3});
        put(realm, Map.of("conn_id", "bin", "type", "postgres", "enabled", true, "secret_id", "/lava/" + realm + "/bin"));
        assertFailure(realm, "bin", "08001", "secret: secret '/lava/" + realm + "/bin' is binary");
    }

    @Test
    void wrongPasswordIsReportedWithPgjdbcsState() {
        String realm = realm();
        put(realm, record(realm, "warehouse"));
        aws.putParameter("/lava/" + realm + "/etl", "not-the-password");
        // retried through the rotation window: here the 3 s of its loginTimeout
        assertThatThrownBy(() -> connect(realm, "warehouse?loginTimeout=3"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28P01");
                    assertThat(e.getMessage()).contains("connect: credentials were refreshed from their source and "
                                    + "the server still refused them: PostgreSQL at", "refused the credentials")
                            .doesNotContain("not-the-password");
                    assertThat(e.getCause()).isInstanceOf(org.postgresql.util.PSQLException.class);
                });
    }

    @Test
    void missingRealm() {
        // failsafe clears LAVA_REALM for the test JVM
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:lava-pg:warehouse", props()))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08001");
                    assertThat(e.getMessage()).contains("url: no realm for conn_id 'warehouse'", "LAVA_REALM");
                });
    }

    @Test
    void foreignUrlIsLeftToOtherDrivers() throws SQLException {
        assertThat(new LavaPgDriver().connect("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/dw", props()))
                .isNull();
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:nosuchdb:x/y"))
                .hasMessageContaining("No suitable driver");
    }
}
