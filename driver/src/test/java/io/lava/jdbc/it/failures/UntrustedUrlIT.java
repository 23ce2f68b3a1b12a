package io.lava.jdbc.it.failures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lava.jdbc.LavaPgDriver;
import io.lava.jdbc.TestEngine;
import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.engine.Caches;
import io.lava.jdbc.testing.AwsExtension;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;
import java.util.List;
import io.lava.jdbc.testing.Docs;
import io.lava.jdbc.testing.Impostor;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * URLs a tenant could type against a real realm, for a process whose owner they are not (docs/security.md, "What the
 * driver guarantees whoever writes the URL"). The records point at an {@link Impostor} that asks for the password in
 * clear text: every row is refused with its SQLState, and no byte of the password reaches the impostor.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class UntrustedUrlIT {
    private static final String REALM = "untrusted";
    private static final String PASSWORD = SecretLeakGuard.secret("untrusted-Pa55-w0rd");
    private static final String OTHER_PASSWORD = SecretLeakGuard.secret("other-realm-Pa55");
    private static final String TOKEN = "S3cr3t_T0ken_abc123";
    private static final String GET_SECRET = "secretsmanager.GetSecretValue";

    private static LocalAws aws;
    private static LocalPostgres pg;
    private static Impostor impostor;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        impostor = Impostor.start();
        LavaRealm realm = LavaRealm.create(aws, pg, REALM);
        aws.putParameter(realm.parameter("etl"), PASSWORD);
        aws.putSecret("/lava/other/db", "{\"password\":\"" + OTHER_PASSWORD + "\"}");
        aws.putSecret("/lava/untrusted/../other/db", "{\"password\":\"" + OTHER_PASSWORD + "\"}");
        put("plain", Map.of());
        put("verify", Map.of("ssl_mode", "verify-full"));
        put("verify-ca", Map.of("ssl_mode", "verify-ca"));
        put("with-ca", Map.of("ssl_mode", "require", "ssl_ca_file", pg.caCertificate().toString()));
        for (String[] forged : new String[][] {
                {"secret-other", "/lava/other/db"},
                {"secret-dotdot", "/lava/untrusted/../other/db"},
                {"secret-case", "/lava/UNTRUSTED/db"},
                {"secret-upper", "/LAVA/untrusted/db"},
                {"secret-encoded", "/lava/untrusted/%2e%2e/other/db"},
                {"secret-bare", "other/db"},
                {"secret-arn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:/lava/other/db-AbCdEf"},
                {"secret-prefix", "/lava/untrustedx/db"}}) {
            Map<String, Object> r = record(forged[0], Map.of("secret_id", forged[1]));
            r.remove("password");
            aws.putRecord(realm.table(), r);
        }
    }

    @AfterAll
    static void tearDown() {
        if (impostor != null) {
            impostor.close();
        }
    }

    private static Map<String, Object> record(String connId, Map<String, Object> extra) {
        Map<String, Object> r = LavaRealm.postgresRecord(connId, pg, "dw", "etl", "/lava/untrusted/etl");
        r.put("host", impostor.host());
        r.put("port", new BigDecimal(impostor.port()));
        r.putAll(extra);
        return r;
    }

    private static void put(String connId, Map<String, Object> extra) {
        aws.putRecord(LocalAws.connectionsTable(REALM), record(connId, extra));
    }

    private static SQLException refused(String url) {
        Properties p = LavaRealm.awsProperties(aws);
        p.setProperty("loginTimeout", "20");
        try {
            DriverManager.getConnection(url, p).close();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("connected: " + url);
    }

    private static void assertNothingReachedTheImpostor() {
        assertThat(impostor.receivedAny(PASSWORD)).as("the password reached the impostor").isFalse();
        assertThat(impostor.receivedAny(OTHER_PASSWORD)).isFalse();
    }

    /** Columns: conn_id; the query a tenant adds; SQLState; what the message says. */
    private static final String ROWS = """
            plain     | socketFactory=javax.net.DefaultSocketFactory                | 0A000 | url: property 'socketFactory' names a class
            plain     | SOCKETFACTORY=javax.net.DefaultSocketFactory                | 0A000 | url: property 'SOCKETFACTORY' names a class
            plain     | socket%46actory=javax.net.DefaultSocketFactory              | 0A000 | url: property 'socketFactory' names a class
            plain     | sslfactory=org.postgresql.ssl.NonValidatingFactory          | 0A000 | url: property 'sslfactory' is not one of pgjdbc's validating factories
            plain     | sslFactory=org.postgresql.ssl.NonValidatingFactory          | 0A000 | url: property 'sslFactory' is not one of
            plain     | sslfactory=org%2Epostgresql%2Essl%2ENonValidatingFactory    | 0A000 | url: property 'sslfactory' is not one of
            plain     | sslhostnameverifier=org.example.AllowAll                    | 0A000 | url: property 'sslhostnameverifier' names a class
            plain     | sslpasswordcallback=org.example.Callback                    | 0A000 | url: property 'sslpasswordcallback' names a class
            plain     | authenticationPluginClassName=org.example.Plugin            | 0A000 | url: property 'authenticationPluginClassName' names a class
            plain     | xmlFactoryFactory=LEGACY_INSECURE                           | 0A000 | url: property 'xmlFactoryFactory' would let XML values read files
            plain     | xmlFactoryFactory=org.example.Xml                           | 0A000 | url: property 'xmlFactoryFactory'
            plain     | classLoaderStrategy=context-first                           | 0A000 | url: property 'classLoaderStrategy'
            verify    | sslfactory=org.postgresql.ssl.NonValidatingFactory          | 0A000 | url: property 'sslfactory'
            verify    | sslrootcert=/tmp/tenant-ca.pem                              | 0A000 | connect: property 'sslrootcert' could weaken the TLS the record asks for (ssl_mode verify-full)
            verify    | SSLROOTCERT=%2Ftmp%2Ftenant-ca.pem                          | 0A000 | connect: property 'SSLROOTCERT' could weaken the TLS
            verify-ca | sslrootcert=/tmp/tenant-ca.pem                              | 0A000 | connect: property 'sslrootcert' could weaken the TLS the record asks for (ssl_mode verify-ca)
            with-ca   | sslrootcert=/tmp/tenant-ca.pem                              | 0A000 | connect: property 'sslrootcert' could weaken the TLS
            verify    | sslfactoryarg=anything                                      | 0A000 | connect: property 'sslfactoryarg' could weaken the TLS
            verify    | socketFactoryArg=anything                                   | 0A000 | connect: property 'socketFactoryArg' could weaken the TLS
            verify    | sslcert=/tmp/c.pem                                          | 0A000 | connect: property 'sslcert' could weaken the TLS
            verify    | sslkey=/tmp/k.pk8                                           | 0A000 | connect: property 'sslkey' could weaken the TLS
            verify    | SslKey=/tmp/k.pk8                                           | 0A000 | connect: property 'SslKey' could weaken the TLS
            verify    | sslpassword=x                                               | 0A000 | connect: property 'sslpassword' could weaken the TLS
            verify    | gssEncMode=require                                          | 0A000 | connect: property 'gssEncMode' could weaken the TLS
            verify    | sslhostnameverifier=org.example.AllowAll                    | 0A000 | url: property 'sslhostnameverifier'
            verify    | sslmode=disable                                             | 08004 | The server does not support SSL
            secret-other   | ApplicationName=x                                      | 28000 | secret: secret '/lava/other/db' is outside /lava/untrusted/
            secret-dotdot  | ApplicationName=x                                      | 28000 | secret: secret '/lava/untrusted/../other/db' is outside
            secret-case    | ApplicationName=x                                      | 28000 | is outside /lava/untrusted/
            secret-upper   | ApplicationName=x                                      | 28000 | is outside /lava/untrusted/
            secret-encoded | ApplicationName=x                                      | 28000 | is outside /lava/untrusted/
            secret-bare    | ApplicationName=x                                      | 28000 | is outside /lava/untrusted/
            secret-arn     | ApplicationName=x                                      | 28000 | is outside /lava/untrusted/
            secret-prefix  | ApplicationName=x                                      | 28000 | is outside /lava/untrusted/
            """;

    static List<Arguments> rows() {
        return ROWS.lines().map(line -> line.split("\\|", 4)).map(cells -> Arguments.of(cells[0].trim(),
                cells[1].trim(), cells[2].trim(), cells[3].trim())).toList();
    }

    @ParameterizedTest(name = "{0}?{1}")
    @MethodSource("rows")
    void eachUrlIsRefusedAndNoPasswordLeaves(String connId, String query, String state, String says) {
        int secretCalls = aws.calls(GET_SECRET);
        int connections = impostor.connections();
        SQLException e = refused("jdbc:lava-pg:" + REALM + "/" + connId + "?" + query);
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(state);
        assertThat(e.getMessage()).startsWith("lava-pg realm '" + REALM + "', conn_id '" + connId + "': ")
                .contains(says).doesNotContain(PASSWORD, OTHER_PASSWORD);
        boolean pgjdbcRan = state.equals("08004");
        if (!pgjdbcRan) {
            assertThat(e.getMessage()).containsAnyOf("Remove it", "Store the secret under");
        }
        assertThat(aws.calls(GET_SECRET) - secretCalls).as("Secrets Manager calls").isZero();
        if (pgjdbcRan) {
            // the record's verify-full wins over sslmode=disable: TLS is asked for and refused, no password sent
            assertThat(impostor.receivedAny(PASSWORD)).isFalse();
        } else {
            assertNothingReachedTheImpostor();
            assertThat(impostor.connections() - connections).as("connections to the impostor").isZero();
        }
    }

    /**
     * The same rows through the {@code -all} jar, in a JVM of its own with nothing else on its class path (the probe
     * reaches the driver through {@code DriverManager}): the same SQLStates, no Secrets Manager call, nothing at the
     * impostor.
     */
    @Test
    void theSameRowsHoldInTheAllJar(@TempDir Path home) throws Exception {
        StringBuilder cases = new StringBuilder();
        List<Arguments> rows = rows();
        String aws = "&awsRegion=" + LavaRealm.REGION + "&awsEndpointUrl="
                + URLEncoder.encode(UntrustedUrlIT.aws.endpoint(), StandardCharsets.UTF_8) + "&loginTimeout=20";
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i).get();
            cases.append("r").append(i).append("\tdriver\tjdbc:lava-pg:").append(REALM).append('/').append(row[0])
                    .append('?').append(row[1]).append(aws).append('\n');
        }
        int secretCalls = UntrustedUrlIT.aws.calls(GET_SECRET);
        Properties results = ErrorShapesIT.probeResults(home, List.of(),
                ErrorShapesIT.classPath(ErrorShapesIT.Jar.ALL), cases.toString());
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i).get();
            assertThat(results.getProperty("r" + i + ".sqlState")).as("%s?%s", row[0], row[1]).isEqualTo(row[2]);
            assertThat(results.getProperty("r" + i + ".message")).as("%s?%s", row[0], row[1])
                    .contains((String) row[3]);
        }
        assertThat(UntrustedUrlIT.aws.calls(GET_SECRET) - secretCalls).as("Secrets Manager calls").isZero();
        assertNothingReachedTheImpostor();
    }

    /** The guarantees are written down where a security reviewer looks, and every new error has its row. */
    @Test
    void theDocsListTheGuaranteesAndTheErrors() {
        assertThat(Docs.file("docs/security.md")).contains("## What the driver guarantees whoever writes the URL",
                "Secrets stay in the realm", "No class of the URL writer's choice",
                "A URL never weakens a verifying record's TLS", "A file's content is never quoted",
                "is bounded", "The host's AWS profiles stay private");
        assertThat(Docs.file("docs/errors.md")).contains("`secret_id` (or the name in its ARN) outside",
                "a pgjdbc property that loads a class", "a property that could weaken the record's TLS",
                "syntax error at line L, column C", "is not a regular file", "`0A000`", "`28000`");
    }

    /** The control: with nothing refused, the impostor does get the password, so the rows above are meaningful. */
    @Test
    void withoutAGuardTheImpostorWouldGetThePassword() throws Exception {
        try (Impostor control = Impostor.start()) {
            Map<String, Object> r = record("control", Map.of());
            r.put("port", new BigDecimal(control.port()));
            aws.putRecord(LocalAws.connectionsTable(REALM), r);
            assertThatThrownBy(() -> DriverManager.getConnection("jdbc:lava-pg:" + REALM + "/control?sslmode=prefer",
                    LavaRealm.awsProperties(aws)).close()).isInstanceOf(SQLException.class);
            assertThat(control.receivedAny(PASSWORD)).isTrue();
        }
    }

    @Test
    void aRecordsFileIsNeverQuoted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.txt");
        Files.writeString(file, TOKEN + "\n");
        SQLException e = refused("jdbc:lava-pg:" + REALM + "/plain?connectionsFile="
                + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8));
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).contains("record: connections file '" + file + "' could not be read as JSON: "
                + "syntax error at line 1, column 1").doesNotContain(TOKEN, "S3cr3t");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(TOKEN);
        }
        assertThat(SecretLeakGuard.lines()).noneMatch(line -> line.contains(TOKEN));
        assertNothingReachedTheImpostor();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFifoAsRecordsFileIsRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
        assumeTrue(OS.LINUX.isCurrentOs(), "mkfifo");
        Path fifo = dir.resolve("records.fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("mkfifo").isTrue();
        for (String path : new String[] {fifo.toString(), "/dev/zero", "/dev/urandom", "/dev/stdin"}) {
            SQLException e = refused("jdbc:lava-pg:" + REALM + "/plain?connectionsFile="
                    + URLEncoder.encode(path, StandardCharsets.UTF_8));
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).as(path).contains("is not a regular file");
        }
        assertNothingReachedTheImpostor();
    }

    @Test
    void aMissingProfileDoesNotListTheHostsProfiles(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config");
        Files.writeString(config, "[profile payroll-admin]\nregion = us-east-1\n\n[profile finance-ro]\n"
                + "region = us-east-1\n");
        System.setProperty("aws.configFile", config.toString());
        System.setProperty("aws.sharedCredentialsFile", dir.resolve("credentials").toString());
        try {
            SQLException e = refused("jdbc:lava-pg:" + REALM + "/plain?awsProfile=nope");
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).contains("AWS profile 'nope' does not exist in", "Set awsProfile")
                    .doesNotContain("payroll-admin", "finance-ro");
        } finally {
            System.clearProperty("aws.configFile");
            System.clearProperty("aws.sharedCredentialsFile");
        }
        assertNothingReachedTheImpostor();
    }

    @Test
    void aFloodOfTtlPairsAndProfilesStaysBounded() throws Exception {
        try (TestEngine engine = new TestEngine()) {
            LavaPgDriver driver = TestEngine.driverOn(engine.engine());
            Properties p = LavaRealm.awsProperties(aws);
            for (int i = 1; i <= 200; i++) {
                TestEngine.resolve(driver, "jdbc:lava-pg:" + REALM + "/plain?recordTtl=" + i + "&parameterTtl=" + i
                        + "&maxStale=" + i, p);
            }
            for (int i = 1; i <= 3 * AwsClientRegistry.MAXIMUM_PROFILES; i++) {
                String url = "jdbc:lava-pg:" + REALM + "/plain?awsProfile=tenant-" + i;
                assertThatThrownBy(() -> TestEngine.resolve(driver, url, p)).isInstanceOf(SQLException.class);
            }
            long[] held = engine.held();
            assertThat(held[0]).as("caches per (TTL, maxStale)").isLessThanOrEqualTo(5L * Caches.MAXIMUM_SETTINGS);
            assertThat(held[1]).as("AWS client scopes").isLessThanOrEqualTo(AwsClientRegistry.MAXIMUM_SCOPES);
            assertThat(held[2]).as("credential providers").isLessThanOrEqualTo(AwsClientRegistry.MAXIMUM_PROFILES);
        }
        assertNothingReachedTheImpostor();
    }
}
