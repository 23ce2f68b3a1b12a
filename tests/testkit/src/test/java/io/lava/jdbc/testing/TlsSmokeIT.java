package io.lava.jdbc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.util.PSQLException;

/**
 * The harness's TLS: the shared server speaks TLS with a test CA's certificate, and members of
 * {@value LocalPostgres#TLS_ONLY_GROUP} log in only over TLS.
 */
@ExtendWith(PostgresExtension.class)
class TlsSmokeIT {

    /** SQLState of a {@code pg_hba.conf} {@code reject} rule (invalid_authorization_specification). */
    private static final String HBA_REJECT = "28000";
    /** SQLState of a wrong password (invalid_password). */
    private static final String WRONG_PASSWORD = "28P01";
    private static final String PG_STAT_SSL = "select ssl from pg_stat_ssl where pid = pg_backend_pid()";
    private static final org.postgresql.Driver PGJDBC = new org.postgresql.Driver();

    @Test
    void theSharedServerHasATestPki(LocalPostgres pg) throws Exception {
        assertThat(pg.tlsEnabled()).isTrue();
        assertThat(pg.caCertificate()).isRegularFile();
        assertThat(pg.otherCaCertificate()).isRegularFile().isNotEqualTo(pg.caCertificate());
        assertThat(Files.readString(pg.caCertificate())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(pg.otherCaCertificate())).startsWith("-----BEGIN CERTIFICATE-----");
        Path dir = pg.caCertificate().getParent();
        assertThat(Files.readString(dir.resolve(TestPki.SERVER_KEY))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve(TestPki.SERVER_CERT))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void tlsOnlyRoleConnectsOverTls(LocalPostgres pg) throws Exception {
        pg.createTlsOnlyRole("tls_smoke_require", "require-password");

        try (Connection connection =
                connect(pg, "tls_smoke_require", "require-password", Map.of("sslmode", "require"))) {
            assertThat(queryBoolean(connection, PG_STAT_SSL)).as("pg_stat_ssl.ssl").isTrue();
            assertThat(queryString(connection, "select current_user")).isEqualTo("tls_smoke_require");
            assertThat(queryBoolean(connection, "select pg_has_role('" + LocalPostgres.TLS_ONLY_GROUP + "', 'member')"))
                    .isTrue();
        }
    }

    @Test
    void tlsOnlyRoleIsRejectedWithoutTlsBeforeAnyPasswordIsAsked(LocalPostgres pg) throws Exception {
        pg.createTlsOnlyRole("tls_smoke_plain", "plain-password");

        assertThatThrownBy(() -> connect(pg, "tls_smoke_plain", "plain-password", Map.of("sslmode", "disable")))
                .isInstanceOfSatisfying(PSQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo(HBA_REJECT);
                    assertThat(e.getMessage()).contains("pg_hba.conf rejects connection").contains("no encryption");
                });
        // A wrong password gets the same answer, not 28P01: the server refuses before authentication,
        // so no password (or proof of one) is exchanged without TLS.
        assertThatThrownBy(() -> connect(pg, "tls_smoke_plain", "wrong", Map.of("sslmode", "disable")))
                .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(HBA_REJECT));
        // Over TLS a wrong password is an authentication failure, as usual.
        assertThatThrownBy(() -> connect(pg, "tls_smoke_plain", "wrong", Map.of("sslmode", "require")))
                .isInstanceOfSatisfying(PSQLException.class,
                        e -> assertThat(e.getSQLState()).isEqualTo(WRONG_PASSWORD));
    }

    @Test
    void verifyFullTrustsOnlyTheTestCa(LocalPostgres pg) throws Exception {
        pg.createTlsOnlyRole("tls_smoke_verify", "verify-password");
        // The local cluster listens on 127.0.0.1, which the server certificate names (SAN IP).

        try (Connection connection = connect(pg, "tls_smoke_verify", "verify-password",
                Map.of("sslmode", "verify-full", "sslrootcert", pg.caCertificate().toString()))) {
            assertThat(queryBoolean(connection, PG_STAT_SSL)).isTrue();
        }

        assertThatThrownBy(() -> connect(pg, "tls_smoke_verify", "verify-password",
                Map.of("sslmode", "verify-full", "sslrootcert", pg.otherCaCertificate().toString())))
                .isInstanceOfSatisfying(PSQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08006"); // connection_failure
                    assertThat(e.getMessage()).startsWith("SSL error:").contains("PKIX path building failed");
                })
                .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class)
                .cause().isInstanceOf(SSLException.class);
    }

    @Test
    void longTokenLikePasswordWorksOverTls(LocalPostgres pg) throws Exception {
        String token = tokenLikePassword(1_400, "a");
        String rotated = tokenLikePassword(1_400, "b");
        assertThat(token).hasSize(1_400).contains("&", "=", "%", "/", ":", "?", "'", "\\");
        assertThat(rotated).hasSize(1_400).isNotEqualTo(token);

        pg.createTlsOnlyRole("tls_smoke_token", token);
        pg.createTlsOnlyRole("tls_smoke_token", token); // exists: idempotent
        try (Connection connection = connect(pg, "tls_smoke_token", token, Map.of("sslmode", "require"))) {
            assertThat(queryBoolean(connection, PG_STAT_SSL)).isTrue();
        }

        pg.setPassword("tls_smoke_token", rotated);
        assertThatThrownBy(() -> connect(pg, "tls_smoke_token", token, Map.of("sslmode", "require")))
                .isInstanceOfSatisfying(PSQLException.class,
                        e -> assertThat(e.getSQLState()).isEqualTo(WRONG_PASSWORD));
        try (Connection connection = connect(pg, "tls_smoke_token", rotated,
                Map.of("sslmode", "verify-full", "sslrootcert", pg.caCertificate().toString()))) {
            assertThat(queryBoolean(connection, PG_STAT_SSL)).isTrue();
        }
        assertThatThrownBy(() -> connect(pg, "tls_smoke_token", rotated, Map.of("sslmode", "disable")))
                .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(HBA_REJECT));
    }

    @Test
    void ordinaryRolesConnectWithAndWithoutTls(LocalPostgres pg) throws Exception {
        String password = tokenLikePassword(1_200, "c"); // createRole quotes long passwords safely too
        pg.createRole("tls_smoke_ordinary", password);

        try (Connection connection = connect(pg, "tls_smoke_ordinary", password, Map.of("sslmode", "disable"))) {
            assertThat(queryBoolean(connection, PG_STAT_SSL)).isFalse();
            assertThat(queryBoolean(connection, "select pg_has_role('" + LocalPostgres.TLS_ONLY_GROUP + "', 'member')"))
                    .isFalse();
        }
        try (Connection connection = connect(pg, "tls_smoke_ordinary", password, Map.of("sslmode", "require"))) {
            assertThat(queryBoolean(connection, PG_STAT_SSL)).isTrue();
        }
        pg.setPassword("tls_smoke_ordinary", "short-smoke-Pa55");
        try (Connection connection =
                connect(pg, "tls_smoke_ordinary", "short-smoke-Pa55", Map.of("sslmode", "disable"))) {
            assertThat(queryBoolean(connection, PG_STAT_SSL)).isFalse();
        }
        assertThatThrownBy(() -> pg.setPassword("tls_smoke_no_such_role", "no-such-role-Pa55"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42704"));
    }

    @Test
    void builderCanStartAPlainServerAndCleansUpTheTestPki() throws Exception {
        Path ca;
        try (LocalPostgres tls = LocalPostgres.start()) {
            ca = tls.caCertificate();
            assertThat(ca).isRegularFile();
        }
        assertThat(ca.getParent()).doesNotExist();

        try (LocalPostgres plain = LocalPostgres.builder().tls(false).start()) {
            assertThat(plain.tlsEnabled()).isFalse();
            assertThat(plain.caCertificate()).isNull();
            assertThat(plain.otherCaCertificate()).isNull();
            plain.createRole("plain_user", "plain-password");
            try (Connection connection = connect(plain, "plain_user", "plain-password", Map.of())) {
                assertThat(queryBoolean(connection, PG_STAT_SSL)).isFalse();
            }
            assertThatThrownBy(() -> connect(plain, "plain_user", "plain-password", Map.of("sslmode", "require")))
                    .isInstanceOf(PSQLException.class)
                    .hasMessageContaining("does not support SSL");
            // Without TLS a TLS-only role cannot log in at all.
            plain.createTlsOnlyRole("plain_tls_only", "plain-password");
            assertThatThrownBy(() -> connect(plain, "plain_tls_only", "plain-password", Map.of("sslmode", "disable")))
                    .isInstanceOfSatisfying(PSQLException.class,
                            e -> assertThat(e.getSQLState()).isEqualTo(HBA_REJECT));
        }
    }

    @Test
    void testPkiWritesPemFiles() throws Exception {
        Path dir = Files.createTempDirectory("tls-smoke-pki-");
        try {
            TestPki pki = TestPki.create(dir.resolve("nested"));
            assertThat(pki.caCertificate()).isEqualTo(dir.resolve("nested/ca.crt")).isRegularFile();
            assertThat(pki.otherCaCertificate()).isEqualTo(dir.resolve("nested/other-ca.crt")).isRegularFile();
            assertThat(Files.readAllBytes(pki.serverCertificate())).isEqualTo(pki.serverCertificatePem());
            assertThat(Files.readAllBytes(pki.serverKey())).isEqualTo(pki.serverKeyPem());
            assertThat(new String(pki.serverKeyPem(), StandardCharsets.US_ASCII))
                    .startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
            assertThat(Files.getPosixFilePermissions(pki.serverKey()))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

            java.security.cert.CertificateFactory x509 = java.security.cert.CertificateFactory.getInstance("X.509");
            java.security.cert.X509Certificate ca;
            java.security.cert.X509Certificate server;
            java.security.cert.X509Certificate other;
            try (var in = Files.newInputStream(pki.caCertificate())) {
                ca = (java.security.cert.X509Certificate) x509.generateCertificate(in);
            }
            try (var in = Files.newInputStream(pki.serverCertificate())) {
                server = (java.security.cert.X509Certificate) x509.generateCertificate(in);
            }
            try (var in = Files.newInputStream(pki.otherCaCertificate())) {
                other = (java.security.cert.X509Certificate) x509.generateCertificate(in);
            }
            assertThat(ca.getBasicConstraints()).isNotNegative();
            assertThat(other.getBasicConstraints()).isNotNegative();
            assertThat(server.getBasicConstraints()).isEqualTo(-1);
            server.verify(ca.getPublicKey());
            assertThatThrownBy(() -> server.verify(other.getPublicKey()))
                    .isInstanceOf(java.security.SignatureException.class);
            assertThat(server.getSubjectX500Principal().getName()).contains("CN=localhost");
            assertThat(server.getSubjectAlternativeNames())
                    .map(name -> name.get(0) + ":" + name.get(1)) // 7 = iPAddress, 2 = dNSName
                    .containsExactlyInAnyOrder("7:127.0.0.1", "2:localhost");
            server.checkValidity(); // now
            assertThat(server.getNotBefore()).isBefore(new java.util.Date(System.currentTimeMillis() - 23 * 3600_000L));
            assertThat(server.getNotAfter().getTime() - server.getNotBefore().getTime()).isEqualTo(30 * 24 * 3600_000L);
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static Connection connect(LocalPostgres pg, String user, String password, Map<String, String> options)
            throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        options.forEach(properties::setProperty);
        String url = pg.jdbcUrl("postgres");
        Connection connection = PGJDBC.connect(url, properties);
        if (connection == null) {
            throw new SQLException("pgjdbc does not accept " + url);
        }
        return connection;
    }

    private static boolean queryBoolean(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from: %s", sql).isTrue();
            return rows.getBoolean(1);
        }
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from: %s", sql).isTrue();
            return rows.getString(1);
        }
    }

    /**
     * A password shaped like an RDS IAM auth token (a presigned URL without scheme), padded to
     * {@code length}, plus a quote and a backslash to exercise SQL quoting.
     */
    private static String tokenLikePassword(int length, String seed) {
        StringBuilder token = new StringBuilder("db.example.internal:5432/?Action=connect&DBUser=tls_smoke_token")
                .append("&X-Amz-Algorithm=AWS4-HMAC-SHA256")
                .append("&X-Amz-Credential=AKIDLAVATEST%2F20250101%2Fus-east-1%2Frds-db%2Faws4_request")
                .append("&X-Amz-Date=20250101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host")
                .append("&X-Amz-Signature=").append(seed.repeat(64))
                .append("&quote='back\\slash")
                .append("&X-Amz-Security-Token=");
        String filler = "IQoJb3JpZ2luX2VjE" + seed + "%2F%2B%3D/+=:?&";
        while (token.length() < length) {
            token.append(filler);
        }
        token.setLength(length);
        return token.toString();
    }
}
