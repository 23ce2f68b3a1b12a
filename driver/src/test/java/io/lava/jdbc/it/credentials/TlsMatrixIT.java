package io.lava.jdbc.it.credentials;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.it.packaging.ShadedJarIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.ChildJvm.Run;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * lava 8.3's TLS matrix ({@code lava/lib/ssl.py} and its tests): each SSL field combination, through the driver in
 * this JVM and through {@code lava-pg check} / {@code lava-pg psql} in child JVMs, against a throwaway PostgreSQL
 * speaking TLS with a test CA's certificate for {@code 127.0.0.1} and {@code localhost}, listening on
 * {@code 127.0.0.1} and {@code 127.0.0.2} (a name the certificate lacks). Rows that need the JVM's trust store to hold
 * the test CA run in a child JVM with {@code -Djavax.net.ssl.trustStore}, so this JVM's SSL context is never changed.
 */
@Slow
@ExtendWith({AwsExtension.class, SecretLeakGuard.class})
class TlsMatrixIT {
    private static final String REALM = "tlsmatrix";
    private static final String TABLE = "lava." + REALM + ".connections";
    private static final String PASSWORD = io.lava.jdbc.testing.TestSecrets.register("tls-Matrix-Pa55");
    private static final String OTHER_HOST = "127.0.0.2";
    private static LocalPostgres pg;
    private static LocalAws aws;
    private static Path home;
    private static Path trustStore;
    private static io.lava.jdbc.testing.LocalHttps https;

    /** Where the record points and what it says; what the driver must do. */
    enum Row {
        NO_SSL_FIELDS(null, null, false, null, true, null),
        REQUIRE("require", null, false, null, true, null),
        VERIFY_CA_WITH_CA("verify-ca", Ca.TEST, false, null, true, null),
        VERIFY_FULL_WITH_CA("verify-full", Ca.TEST, false, null, true, null),
        LEGACY_SSL_TRUE(null, null, true, null, true, null),
        VERIFY_CA_NO_CA_UNTRUSTED("verify-ca", null, false, null, false, "08006"),
        VERIFY_FULL_NO_CA_UNTRUSTED("verify-full", null, false, null, false, "08006"),
        VERIFY_FULL_HOST_MISMATCH("verify-full", Ca.TEST, false, OTHER_HOST, false, "08006"),
        VERIFY_CA_HOST_MISMATCH("verify-ca", Ca.TEST, false, OTHER_HOST, true, null),
        VERIFY_FULL_WRONG_CA("verify-full", Ca.OTHER, false, null, false, "08006"),
        BAD_SSL_MODE("sometimes", null, false, null, false, "08001");

        final String sslMode;
        final Ca ca;
        final boolean legacySsl;
        final String host;
        final boolean connects;
        final String sqlState;

        Row(String sslMode, Ca ca, boolean legacySsl, String host, boolean connects, String sqlState) {
            this.sslMode = sslMode;
            this.ca = ca;
            this.legacySsl = legacySsl;
            this.host = host;
            this.connects = connects;
            this.sqlState = sqlState;
        }

        String connId() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    enum Ca { TEST, OTHER }

    @BeforeAll
    static void setUp(LocalAws localAws) throws Exception {
        aws = localAws;
        pg = LocalPostgres.builder().config("listen_addresses", "127.0.0.1,127.0.0.2").start();
        pg.createTlsOnlyRole("tls_matrix", PASSWORD);
        aws.createConnectionsTable(REALM);
        aws.putParameter("/lava/" + REALM + "/pw", PASSWORD);
        for (Row row : Row.values()) {
            Map<String, Object> r = LavaRealm.postgresRecord(row.connId(), pg, "postgres", "tls_matrix",
                    "/lava/" + REALM + "/pw");
            if (row.host != null) {
                r.put("host", row.host);
            }
            if (row.sslMode != null) {
                r.put("ssl_mode", row.sslMode);
            }
            if (row.legacySsl) {
                r.put("ssl", true);
            }
            if (row.ca != null) {
                r.put("ssl_ca_file", (row.ca == Ca.TEST ? pg.caCertificate() : pg.otherCaCertificate()).toString());
            }
            aws.putRecord(TABLE, r);
        }
        for (String mode : List.of("verify-ca", "verify-full")) {
            Map<String, Object> r = LavaRealm.postgresRecord(mode + "-no-ca", pg, "postgres", "tls_matrix",
                    "/lava/" + REALM + "/pw");
            r.put("ssl_mode", mode);
            aws.putRecord(TABLE, r);
        }
        https = io.lava.jdbc.testing.LocalHttps.start(pg.caCertificate().getParent());
        https.serve("/ca.pem", Files.readAllBytes(pg.caCertificate()));
        https.serve("/not-pem.txt", "not a certificate".getBytes(StandardCharsets.US_ASCII));
        https.serve("/huge.pem", new byte[io.lava.jdbc.internal.sources.CaBundleSource.MAX_BYTES + 1]);
        Map<String, String> uris = Map.of("https-ca", "/ca.pem", "https-not-pem", "/not-pem.txt",
                "https-huge", "/huge.pem", "https-missing", "/missing.pem");
        for (Map.Entry<String, String> uri : uris.entrySet()) {
            Map<String, Object> r = LavaRealm.postgresRecord(uri.getKey(), pg, "postgres", "tls_matrix",
                    "/lava/" + REALM + "/pw");
            r.put("ssl_mode", "verify-full");
            r.put("ssl_ca_file", https.baseUrl() + uri.getValue());
            aws.putRecord(TABLE, r);
        }
        home = Files.createTempDirectory("tls-matrix-home-");
        trustStore = home.resolve("trust.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pg.caCertificate())) {
            store.setCertificateEntry("lava-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            store.store(out, "changeit".toCharArray());
        }
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (https != null) {
            https.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (home != null) {
            try (var paths = Files.walk(home)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static String url(String connId) {
        return "jdbc:lava-pg:" + REALM + "/" + connId;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Row.class)
    void jdbc(Row row) throws Exception {
        if (row.connects) {
            try (Connection c = DriverManager.getConnection(url(row.connId()), LavaRealm.awsProperties(aws));
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("pg_stat_ssl.ssl").isTrue();
            }
            return;
        }
        SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url(row.connId()), LavaRealm.awsProperties(aws)).close());
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(row.sqlState);
        assertThat(e.getMessage()).startsWith("lava-pg realm '" + REALM + "', conn_id '" + row.connId() + "'")
                .doesNotContain(PASSWORD);
        switch (row) {
            case VERIFY_CA_NO_CA_UNTRUSTED, VERIFY_FULL_NO_CA_UNTRUSTED -> assertThat(e.getMessage())
                    .contains("ssl_ca_file", "sslrootcert", "the JVM's trust store", "CN=localhost, issuer ")
                    .doesNotContain("root.crt");
            case VERIFY_FULL_WRONG_CA -> assertThat(e.getMessage())
                    .contains("ssl_ca_file", "sslrootcert", pg.otherCaCertificate().toString(),
                            "CN=localhost, issuer ");
            case VERIFY_FULL_HOST_MISMATCH -> assertThat(e.getMessage())
                    .contains("does not name the host " + OTHER_HOST, "CN=localhost, issuer ", "127.0.0.1",
                            "verify-ca");
            case BAD_SSL_MODE -> assertThat(e.getMessage()).contains("ssl_mode", "sometimes",
                    "require, verify-ca, verify-full");
            default -> { }
        }
    }

    /** verify-ca / verify-full without a CA file, with the test CA in the JVM's trust store: connected, over TLS. */
    @ParameterizedTest(name = "{0} trusted by -Djavax.net.ssl.trustStore")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"verify-ca", "verify-full"})
    void verifyWithoutACaFileTrustsTheJvmTrustStore(String mode) {
        Run run = cli(List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Djavax.net.ssl.trustStoreType=PKCS12"), "check", cliUrl(mode + "-no-ca"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains(": connected").containsPattern("tls: +TLSv1\\.");
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
        // libpq never reads the JVM's trust store: with no PGSSLROOTCERT it wants ~/.postgresql/root.crt
        Run psql = cli(List.of("-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12"),
                "psql", cliUrl(mode + "-no-ca"), "-At", "-c", "select 1");
        assertThat(psql.exitCode()).as(psql.out() + psql.err()).isNotZero();
        assertThat(psql.err()).contains("root.crt").doesNotContain(PASSWORD);
    }

    /**
     * lava-pg psql: libpq reads {@code PGSSLROOTCERT} (the record's {@code ssl_ca_file}) and otherwise
     * {@code ~/.postgresql/root.crt}, never the JVM's trust store; so verify-* without a CA file fails in psql even
     * where the JVM trusts the server. Otherwise psql agrees with the driver.
     */
    @ParameterizedTest(name = "psql {0}")
    @EnumSource(Row.class)
    void psql(Row row) {
        Run run = cli(List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Djavax.net.ssl.trustStoreType=PKCS12"), "psql", cliUrl(row.connId()), "-At", "-c",
                "select ssl from pg_stat_ssl where pid = pg_backend_pid()");
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
        boolean psqlConnects = row.connects && row != Row.BAD_SSL_MODE;
        if (psqlConnects) {
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out().strip()).isEqualTo("t");
        } else {
            assertThat(run.exitCode()).as(run.out() + run.err()).isNotZero();
        }
    }

    private static List<String> trusted() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /**
     * ssl_ca_file as an https:// URI, the HTTPS server trusted by the JVM's trust store: fetched, written to a private
     * file for sslrootcert / PGSSLROOTCERT, deleted when the engine closes.
     */
    @org.junit.jupiter.api.Test
    void httpsCaBundleIsFetchedForPgjdbcAndPsql() throws IOException {
        Run check = cli(trusted(), "check", cliUrl("https-ca"));
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(check.out()).contains(": connected").containsPattern("tls: +TLSv1\\.");
        Run psql = cli(trusted(), "psql", cliUrl("https-ca"), "-At", "-c",
                "select ssl from pg_stat_ssl where pid = pg_backend_pid()");
        assertThat(psql.exitCode()).as(psql.err()).isZero();
        assertThat(psql.out().strip()).isEqualTo("t");
        try (var left = Files.list(home)) {
            assertThat(left.map(path -> path.getFileName().toString())).noneMatch(n -> n.startsWith("lava-pg-ca-"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            https-not-pem | is not PEM X.509 certificates
            https-huge    | is larger than 1048576 bytes
            https-missing | got HTTP 404
            """)
    void badHttpsCaBundlesFailClearly(String connId, String says) {
        Run run = cli(trusted(), "check", cliUrl(connId));
        assertThat(run.exitCode()).as(run.out()).isNotZero();
        assertThat(run.err()).contains("conn_id '" + connId + "': ca bundle", says, "SQLState: 08001")
                .doesNotContain(PASSWORD);
    }

    /** The HTTPS server's certificate is not in this JVM's trust store: the fetch fails, 08001. */
    @org.junit.jupiter.api.Test
    void httpsCaBundleFromAnUntrustedServerIsNotFetched() {
        SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url("https-ca"), LavaRealm.awsProperties(aws)).close());
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).contains("conn_id 'https-ca': ca bundle", "JVM's trust store");
        assertThat((Throwable) e).hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
    }

    private static String cliUrl(String connId) {
        return url(connId) + "?awsEndpointUrl=" + aws.endpoint() + "&awsRegion=us-east-1";
    }

    private static Run cli(List<String> jvm, String... args) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Duser.home=" + home,
                "-Djava.io.tmpdir=" + home));
        command.addAll(jvm);
        command.addAll(List.of("-jar", ShadedJarIT.allJar().toString()));
        command.addAll(List.of(args));
        return ChildJvm.run(command, ChildJvm.cleanEnvironment(home), Duration.ofMinutes(2));
    }
}
