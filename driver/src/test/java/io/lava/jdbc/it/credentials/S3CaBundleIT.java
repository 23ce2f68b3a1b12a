package io.lava.jdbc.it.credentials;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.TestEngine;
import io.lava.jdbc.it.packaging.ShadedJarIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lava.jdbc.internal.sources.CaBundleSource;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalHttps;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.S3StandIn;
import io.lava.jdbc.testing.SecretLeakGuard;
import io.lava.jdbc.testing.TestSecrets;
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
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ssl_ca_file} as {@code s3://<bucket>/<key>} (lava 8.3 downloads such bundles first): S3 {@code GetObject}
 * from the harness's S3 stand-in over real HTTP and SigV4, the bundle verifying a real PostgreSQL speaking TLS with a
 * test CA's certificate ({@code verify-full}); through {@link DriverManager} in this JVM and through the {@code -all}
 * jar ({@code lava-pg check}, {@code lava-pg psql}, a probe) in JVMs of their own. Also: the engine's close deletes
 * the files written for fetched bundles, {@code https://} and {@code s3://} alike.
 */
@Slow
@ExtendWith({AwsExtension.class, SecretLeakGuard.class})
class S3CaBundleIT {
    private static final String REALM = "s3ca";
    private static final String TABLE = "lava." + REALM + ".connections";
    private static final String PASSWORD = TestSecrets.register("s3-Ca-Bundle-Pa55");
    private static final String BUCKET = "lava-ca";
    private static LocalPostgres pg;
    private static LocalAws aws;
    private static LocalHttps https;
    private static Path home;
    private static Path trustStore;

    @BeforeAll
    static void setUp(LocalAws localAws) throws Exception {
        aws = localAws;
        pg = LocalPostgres.start();
        pg.createTlsOnlyRole("s3_ca", PASSWORD);
        aws.createConnectionsTable(REALM);
        aws.putParameter("/lava/" + REALM + "/pw", PASSWORD);
        S3StandIn s3 = aws.s3();
        byte[] ca = Files.readAllBytes(pg.caCertificate());
        for (String key : List.of("certs/ca.pem", "certs/cached.pem", "certs/cli.pem", "certs/env.pem",
                "certs/localhost.pem", "certs/closed.pem")) {
            s3.putObject(BUCKET, key, ca);
        }
        s3.putObject(BUCKET, "certs/not-pem.txt", "not a certificate".getBytes(StandardCharsets.US_ASCII));
        s3.putObject(BUCKET, "certs/huge.pem", new byte[CaBundleSource.MAX_BYTES + 1]);
        s3.denyObject(BUCKET, "certs/denied.pem");
        Map<String, String> records = Map.ofEntries(
                Map.entry("s3-ca", S3StandIn.uri(BUCKET, "certs/ca.pem")),
                Map.entry("s3-cached", S3StandIn.uri(BUCKET, "certs/cached.pem")),
                Map.entry("s3-cli", S3StandIn.uri(BUCKET, "certs/cli.pem")),
                Map.entry("s3-env", S3StandIn.uri(BUCKET, "certs/env.pem")),
                Map.entry("s3-localhost", S3StandIn.uri(BUCKET, "certs/localhost.pem")),
                Map.entry("s3-closed", S3StandIn.uri(BUCKET, "certs/closed.pem")),
                Map.entry("s3-not-pem", S3StandIn.uri(BUCKET, "certs/not-pem.txt")),
                Map.entry("s3-huge", S3StandIn.uri(BUCKET, "certs/huge.pem")),
                Map.entry("s3-denied", S3StandIn.uri(BUCKET, "certs/denied.pem")),
                Map.entry("s3-no-key", S3StandIn.uri(BUCKET, "certs/missing.pem")),
                Map.entry("s3-no-bucket", S3StandIn.uri("no-such-bucket", "ca.pem")),
                Map.entry("s3-malformed", "s3://" + BUCKET),
                Map.entry("s3-express", S3StandIn.uri("ca--use1-az4--x-s3", "ca.pem")),
                Map.entry("s3-user-root", S3StandIn.uri("never-read", "ca.pem")));
        for (Map.Entry<String, String> record : records.entrySet()) {
            putRecord(record.getKey(), record.getValue());
        }
        https = LocalHttps.start(pg.caCertificate().getParent());
        https.serve("/ca.pem", ca);
        putRecord("https-closed", https.baseUrl() + "/ca.pem");

        home = Files.createTempDirectory("s3-ca-home-");
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

    private static void putRecord(String connId, String caFile) {
        Map<String, Object> r = LavaRealm.postgresRecord(connId, pg, "postgres", "s3_ca", "/lava/" + REALM + "/pw");
        r.put("ssl_mode", "verify-full");
        r.put("ssl_ca_file", caFile);
        aws.putRecord(TABLE, r);
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

    private static String cliUrl(String connId) {
        return url(connId) + "?awsEndpointUrl=" + aws.endpoint() + "&awsRegion=us-east-1";
    }

    private static void assertTls(Connection c) throws SQLException {
        assertThat(Sql.value(c, "select ssl::text from pg_stat_ssl where pid = pg_backend_pid()"))
                .as("pg_stat_ssl.ssl").isEqualTo("true");
    }

    /** verify-full against the bundle from S3, with awsEndpointUrl (path-style): connected, over TLS. */
    @Test
    void s3CaBundleVerifiesTheServer() throws Exception {
        try (Connection c = DriverManager.getConnection(url("s3-ca"), LavaRealm.awsProperties(aws))) {
            assertTls(c);
        }
        assertThat(aws.s3().getObjectCalls(BUCKET, "certs/ca.pem")).isEqualTo(1);
    }

    /**
     * awsEndpointUrl naming {@code localhost}, not an IP address: S3's endpoint rules would address the bucket
     * virtual-hosted ({@code lava-ca.localhost}); the driver sets path-style for the override, so it still connects.
     */
    @Test
    void awsEndpointUrlWithAHostNameIsAddressedPathStyle() throws Exception {
        Properties p = LavaRealm.awsProperties(aws);
        p.setProperty("awsEndpointUrl", aws.endpoint().replace("127.0.0.1", "localhost"));
        try (Connection c = DriverManager.getConnection(url("s3-localhost"), p)) {
            assertTls(c);
        }
        assertThat(aws.s3().getObjectCalls(BUCKET, "certs/localhost.pem")).isEqualTo(1);
    }

    /** The bundle is cached like a record (recordTtl): several connects, one GetObject. */
    @Test
    void theBundleIsFetchedOnceForSeveralConnects() throws Exception {
        try (TestEngine engine = new TestEngine()) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = engine.connect(url("s3-cached"), LavaRealm.awsProperties(aws))) {
                    assertTls(c);
                }
                engine.advance(Duration.ofSeconds(20));
            }
            assertThat(aws.s3().getObjectCalls(BUCKET, "certs/cached.pem")).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            s3-not-pem   | 08001 | is not PEM X.509 certificates
            s3-huge      | 08001 | is 1048577 bytes, larger than 1048576 bytes
            s3-no-key    | 08001 | bucket 'lava-ca' has no key 'certs/missing.pem' (NoSuchKey
            s3-no-bucket | 08001 | there is no bucket 'no-such-bucket' (NoSuchBucket)
            s3-denied    | 28000 | was denied: AccessDenied (HTTP 403)
            s3-malformed | 08001 | is not s3://<bucket>/<key>
            s3-express   | 0A000 | is in a directory bucket (S3 Express One Zone
            """)
    void badS3CaBundlesFailClearly(String connId, String sqlState, String says) {
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url(connId), LavaRealm.awsProperties(aws)).close());
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(sqlState);
        assertThat(e.getMessage()).startsWith("lava-pg realm '" + REALM + "', conn_id '" + connId + "': ca bundle: ")
                .contains(says, "ssl_ca_file").doesNotContain(PASSWORD);
        if (!connId.equals("s3-malformed")) {
            assertThat(e.getMessage()).contains("s3://");
        }
        if (connId.equals("s3-denied")) {
            assertThat(e.getMessage()).contains("s3:GetObject", "kms:Decrypt");
        }
    }

    /**
     * A user's own sslrootcert would replace the record's CA bundle: refused (0A000) before the connect, and the
     * bundle is not fetched either.
     */
    @Test
    void theUsersSslrootcertCannotReplaceTheRecordsBundle() {
        Properties p = LavaRealm.awsProperties(aws);
        p.setProperty("sslrootcert", pg.caCertificate().toString());
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url("s3-user-root"), p).close());
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("0A000");
        assertThat(e.getMessage()).contains("connect: property 'sslrootcert' could weaken the TLS");
        assertThat(aws.s3().getObjectCalls("never-read", "ca.pem")).isZero();
    }

    /**
     * The -all jar in a JVM of its own, without awsEndpointUrl: the SDK's AWS_ENDPOINT_URL_S3 (and the DynamoDB and
     * SSM ones) reach the local endpoint, an IP address, which S3's endpoint rules address path-style.
     */
    @Test
    void awsEndpointUrlS3IsHonouredByTheAllJar() {
        Map<String, String> env = ChildJvm.cleanEnvironment(home);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", aws.endpoint());
        env.put("AWS_ENDPOINT_URL_SSM", aws.endpoint());
        env.put("AWS_ENDPOINT_URL_S3", aws.endpoint());
        Run run = cli(List.of(), env, "check", url("s3-env"));
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains(": connected").containsPattern("tls: +TLSv1\\.");
        assertThat(run.all()).doesNotContain(PASSWORD);
        assertThat(aws.s3().getObjectCalls(BUCKET, "certs/env.pem")).isEqualTo(1);
    }

    /** lava-pg psql: the bundle from S3 becomes PGSSLROOTCERT; libpq verifies the server with it. */
    @Test
    void psqlGetsTheS3BundleAsPgsslrootcert() throws IOException {
        Run psql = cli(List.of(), ChildJvm.cleanEnvironment(home), "psql", cliUrl("s3-cli"), "-At", "-c",
                "select ssl from pg_stat_ssl where pid = pg_backend_pid()");
        assertThat(psql.exitCode()).as(psql.all()).isZero();
        assertThat(psql.out().strip()).isEqualTo("t");
        assertThat(psql.all()).doesNotContain(PASSWORD);
        try (var left = Files.list(home)) {
            assertThat(left.map(path -> path.getFileName().toString())).noneMatch(n -> n.startsWith("lava-pg-ca-"));
        }
    }

    /** Engine.close deletes the private files of the bundles it fetched (in this JVM: S3). */
    @Test
    void closingTheEngineDeletesTheS3BundleFiles() throws Exception {
        Path file;
        try (TestEngine engine = new TestEngine()) {
            try (Connection c = engine.connect(url("s3-closed"), LavaRealm.awsProperties(aws))) {
                assertTls(c);
            }
            file = Path.of(engine.engine().resolve(url("s3-closed"), LavaRealm.awsProperties(aws)).resolution()
                    .connection().sslCaFile());
            assertThat(file).isRegularFile();
            assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }
        assertThat(file).doesNotExist();
        assertThat(file.getParent()).doesNotExist();
    }

    /**
     * SharedEngine.close, LavaPgDriver.deregister and DriverManager.deregisterDriver delete the files of the
     * https:// and s3:// bundles the engine fetched, before the JVM exits.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shared", "deregister", "deregisterDriver"})
    void endingTheSharedEngineDeletesTheFetchedBundleFiles(String how) {
        Path probe = Path.of(System.getProperty("basedir", "."), "src", "test", "java", "io", "lava", "jdbc",
                "it", "credentials", "CaFilesProbe.java");
        Run run = ChildJvm.run(List.of(ChildJvm.java(), "-Duser.home=" + home, "-Djava.io.tmpdir=" + home,
                        "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=changeit",
                        "-Djavax.net.ssl.trustStoreType=PKCS12", "-cp", ShadedJarIT.allJar().toString(),
                        probe.toString(), how, cliUrl("https-closed"), cliUrl("s3-closed")),
                ChildJvm.cleanEnvironment(home), Duration.ofMinutes(2));
        assertThat(run.exitCode()).as(run.all()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("before ")).hasSize(2).allMatch(l -> l.endsWith(" true"));
        assertThat(lines).filteredOn(l -> l.startsWith("after ") || l.startsWith("dir ")).hasSize(4)
                .allMatch(l -> l.endsWith(" false"));
        assertThat(run.all()).doesNotContain(PASSWORD);
    }

    private static Run cli(List<String> jvm, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Duser.home=" + home,
                "-Djava.io.tmpdir=" + home));
        command.addAll(jvm);
        command.addAll(List.of("-jar", ShadedJarIT.allJar().toString()));
        command.addAll(List.of(args));
        return ChildJvm.run(command, env, Duration.ofMinutes(2));
    }
}
