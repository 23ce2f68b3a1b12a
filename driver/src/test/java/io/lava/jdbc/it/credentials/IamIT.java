package io.lava.jdbc.it.credentials;

import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.TestEngine;
import io.lava.jdbc.LavaPgDriver;
import io.lava.jdbc.internal.engine.PreparedConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.engine.Resolution;
import io.lava.jdbc.internal.engine.SharedEngine;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RDS IAM authentication end to end against the throwaway PostgreSQL speaking TLS. The role {@code iam_user} may log
 * in only over TLS ({@code hostssl}; plain {@code host} is rejected), and its database password is set to the very token
 * the driver's token cache yields for the test's static AWS credentials, so the server accepts exactly that token.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class IamIT {
    private static final String REALM = "iam";
    private static final String TABLE = "lava." + REALM + ".connections";
    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createTlsOnlyRole("iam_user", "not-the-token-" + System.nanoTime());
        pg.createDatabase("iam_db", "iam_user");
        aws.createConnectionsTable(REALM);
    }

    @AfterAll
    static void tlsWasForcedAndLogged() {
        assertThat(SecretLeakGuard.lines()).anyMatch(line -> line.contains("raised to require"));
    }

    /**
     * Sets iam_user's password to the token the driver will present when signing for {@code host}: the token the
     * shared engine's cache holds for it, read by resolving a record that names that host.
     */
    private static String tokenIsThePassword(String host) throws SQLException {
        String probe = "token-for-" + host;
        Map<String, Object> r = auroraRecord(probe);
        r.put("host", host);
        aws.putRecord(TABLE, r);
        String token = SharedEngine.get().resolve("jdbc:lava-pg:" + REALM + "/" + probe, props())
                .resolution().connection().password();
        pg.setPassword("iam_user", token);
        return token;
    }

    private static Map<String, Object> auroraRecord(String connId) {
        Map<String, Object> r = LavaRealm.postgresRecord(connId, pg, "iam_db", "iam_user", null);
        r.put("type", "postgres-aurora");
        return r;
    }

    private static Properties props() {
        return LavaRealm.awsProperties(aws);
    }

    private static void assertIamSessionOverTls(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user, ssl, version from pg_stat_ssl "
                     + "where pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("iam_user");
            assertThat(rs.getBoolean(2)).as("pg_stat_ssl.ssl").isTrue();
            assertThat(rs.getString(3)).startsWith("TLSv1.");
        }
    }

    @Test
    void tokenConnectsOverTls() throws Exception {
        tokenIsThePassword(pg.host());
        aws.putRecord(TABLE, auroraRecord("aurora"));
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + REALM + "/aurora", props())) {
            assertIamSessionOverTls(c);
        }
    }

    @Test
    void iamConnectsNeverReuseAnEarlierResolution() throws Exception {
        tokenIsThePassword(pg.host());
        aws.putRecord(TABLE, auroraRecord("aurora-again"));
        LavaPgDriver driver = new LavaPgDriver();
        String url = "jdbc:lava-pg:" + REALM + "/aurora-again";
        PreparedConnection first = TestEngine.resolve(driver, url, props());
        PreparedConnection second = TestEngine.resolve(driver, url, props());
        // the token has its own refresh-ahead schedule in its cache: every connect asks that cache
        assertThat(first.resolution().reusable()).isFalse();
        assertThat(second.resolution()).isNotSameAs(first.resolution());
        assertThat(second.resolution().steps()).extracting(Resolution.StepTiming::step).contains(Errors.Step.TOKEN);
        try (Connection c = driver.connect(url, props())) {
            assertIamSessionOverTls(c);
        }
    }

    @ParameterizedTest(name = "URL ?{0}")
    @ValueSource(strings = {"sslmode=disable", "sslmode=allow", "sslmode=prefer", "ssl=false"})
    void weakModesInTheUrlAreRaisedToRequire(String query) throws Exception {
        tokenIsThePassword(pg.host());
        aws.putRecord(TABLE, auroraRecord("aurora"));
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + REALM + "/aurora?" + query, props())) {
            assertIamSessionOverTls(c);
        }
    }

    @Test
    void weakModesInPropertiesAndRecordAreRaisedToRequire() throws Exception {
        tokenIsThePassword(pg.host());
        Map<String, Object> r = auroraRecord("aurora-nossl");
        r.put("ssl", false);
        aws.putRecord(TABLE, r);
        Properties p = props();
        p.setProperty("sslmode", "disable");
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + REALM + "/aurora-nossl", p)) {
            assertIamSessionOverTls(c);
        }
    }

    @Test
    void verifyFullWithTheTestCa() throws Exception {
        tokenIsThePassword(pg.host());
        Map<String, Object> r = auroraRecord("aurora-verified");
        r.put("ssl_mode", "verify-full");
        r.put("ssl_ca_file", pg.caCertificate().toString());
        aws.putRecord(TABLE, r);
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + REALM + "/aurora-verified", props())) {
            assertIamSessionOverTls(c);
        }
    }

    @Test
    void verifyFullWithAnotherCaFailsClearly() throws Exception {
        String token = tokenIsThePassword(pg.host());
        Map<String, Object> r = auroraRecord("aurora-wrong-ca");
        r.put("ssl_mode", "verify-full");
        r.put("ssl_ca_file", pg.otherCaCertificate().toString());
        aws.putRecord(TABLE, r);
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:lava-pg:" + REALM + "/aurora-wrong-ca", props()))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getMessage()).contains("realm 'iam'", "conn_id 'aurora-wrong-ca'", "connect:")
                            .containsIgnoringCase("ssl")
                            .doesNotContain(token);
                    assertThat(e.getSQLState()).startsWith("08");
                });
    }

    @Test
    void iamHostSignsForAnotherNameThanTheOneConnectedTo() throws Exception {
        tokenIsThePassword("localhost");
        aws.putRecord(TABLE, auroraRecord("tunnel"));
        Properties p = props();
        p.setProperty("iamHost", "localhost");
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + REALM + "/tunnel", p)) {
            assertIamSessionOverTls(c);
        }
    }

    @Test
    void aRefusedTokenIsReportedWithoutTheToken() throws Exception {
        String token = tokenIsThePassword(pg.host());
        pg.setPassword("iam_user", "something-else-" + System.nanoTime());
        aws.putRecord(TABLE, auroraRecord("aurora-refused"));
        try {
            assertThatThrownBy(() -> DriverManager.getConnection("jdbc:lava-pg:" + REALM + "/aurora-refused",
                    props()))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("28P01");
                        assertThat(e.getMessage()).contains("refused the RDS IAM token", "rds_iam")
                                .doesNotContain(token);
                    });
        } finally {
            pg.setPassword("iam_user", token);
        }
    }

    @Test
    void plainRecordHonoursLavaSslFields() throws Exception {
        pg.createRole("tls_plain", "plain-Pa55");
        aws.putParameter("/lava/" + REALM + "/tls_plain", "plain-Pa55");
        Map<String, Object> r = auroraRecord("plain-verified");
        r.put("type", "postgres");
        r.put("user", "tls_plain");
        r.put("database", "postgres");
        r.put("password", "/lava/" + REALM + "/tls_plain");
        r.put("ssl_mode", "verify-full");
        r.put("ca_cert", pg.caCertificate().toString());
        aws.putRecord(TABLE, r);
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + REALM + "/plain-verified?sslmode=disable",
                props());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("record's verify-full wins over the URL's disable").isTrue();
        }
    }
}
