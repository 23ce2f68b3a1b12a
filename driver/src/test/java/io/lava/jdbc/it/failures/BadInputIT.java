package io.lava.jdbc.it.failures;

import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.internal.record.ApplicationName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.Docs;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue of mistakes a user can make, each a row: what they wrote, and the SQLException they get — its
 * SQLState, the step it names, what went wrong and what to do. The errors table of {@code docs/errors.md} lists the
 * same cases.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class BadInputIT {
    private static final String REALM = "bad";
    private static final String PASSWORD = "bad-input-Pa55";
    /** Every message must say what to do. */
    private static final String FIX = "(?s).*\\b(Check|check|Set|set|Fix|fix|Store|store|Create|create|Give|give|Write|"
            + "write|Copy|copy|Configure|configure|Grant|grant|needs|Retry|See)\\b.*";

    private static LocalPostgres pg;
    private static LocalAws aws;
    private static Path recordsFile;
    private static int closedPort;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createRole("bad_user", PASSWORD);
        pg.createDatabase("bad_db", "bad_user");
        aws.createConnectionsTable(REALM);
        aws.putParameter("/lava/bad/pw", PASSWORD);
        aws.putParameter("/lava/bad/wrong", "definitely-not-it");
        aws.failParameter("/lava/bad/denied", 400, "AccessDeniedException", "User is not authorized");
        aws.failParameter("/lava/bad/kms", 400, "InvalidKeyId", "The key is disabled");
        aws.putSecret("/lava/bad/notjson", "password=hunter2");
        aws.putSecret("/lava/bad/array", "[\"" + PASSWORD + "\"]");
        aws.putBinarySecret("/lava/bad/binary", new byte[] {1, 2, 3});
        aws.failSecret("/lava/bad/denied", 400, "AccessDeniedException", "User is not authorized");
        aws.failSecret("/lava/bad/kms", 400, "DecryptionFailure", "KMS could not decrypt");
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        put("disabled", "enabled", false);
        put("no-enabled", "enabled", null);
        put("mysql", "type", "mysql");
        put("no-type", "type", null);
        put("port-text", "port", "54x2");
        put("port-high", "port", new BigDecimal(70000));
        put("port-zero", "port", new BigDecimal(0));
        put("no-host", "host", null);
        put("no-user", "user", null);
        put("no-database", "database", null);
        put("no-password", "password", null);
        put("ssm-missing", "password", "/lava/bad/missing");
        put("ssm-outside", "password", "/lava/other/pw");
        put("ssm-denied", "password", "/lava/bad/denied");
        put("ssm-kms", "password", "/lava/bad/kms");
        putSecretRecord("secret-notjson", "/lava/bad/notjson");
        putSecretRecord("secret-array", "/lava/bad/array");
        putSecretRecord("secret-binary", "/lava/bad/binary");
        putSecretRecord("secret-missing", "/lava/bad/missing");
        putSecretRecord("secret-denied", "/lava/bad/denied");
        putSecretRecord("secret-kms", "/lava/bad/kms");
        put("ssl-disable", "ssl_mode", "disable");
        put("ca-s3", "ssl_ca_file", "s3://bucket/rds-ca.pem");
        put("wrong-password", "password", "/lava/bad/wrong");
        put("no-such-db", "database", "no_such_db");
        put("closed-port", "port", new BigDecimal(closedPort));
        recordsFile = Files.createTempFile("lava-bad", ".json");
        Files.writeString(recordsFile, "{ not json");
        recordsFile.toFile().deleteOnExit();
    }

    private static Map<String, Object> valid(String connId) {
        return LavaRealm.postgresRecord(connId, pg, "bad_db", "bad_user", "/lava/bad/pw");
    }

    private static void put(String connId, String field, Object value) {
        Map<String, Object> r = valid(connId);
        if (value == null) {
            r.remove(field);
        } else {
            r.put(field, value);
        }
        aws.putRecord(LocalAws.connectionsTable(REALM), r);
    }

    private static void putSecretRecord(String connId, String secretId) {
        Map<String, Object> r = valid(connId);
        r.remove("password");
        r.put("secret_id", secretId);
        aws.putRecord(LocalAws.connectionsTable(REALM), r);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                // the URL and the driver's properties
                row("no conn_id", "jdbc:lava-pg:", "08001", "url: malformed URL: no conn_id"),
                row("empty conn_id", "jdbc:lava-pg:bad/", "08001", "url: malformed URL: empty conn_id"),
                row("empty realm", "jdbc:lava-pg:/warehouse", "08001", "url: malformed URL: empty realm"),
                row("'//' in a conn_id", "jdbc:lava-pg:bad/db//local", "08001",
                        "url: malformed URL: empty segment in conn_id 'db//local'"),
                row("trailing '/' after a conn_id", "jdbc:lava-pg:bad/db/local/", "08001",
                        "url: malformed URL: empty segment in conn_id 'db/local/'"),
                row("conn_id with '/' that is not in the table", "jdbc:lava-pg:bad/a/b", "08001",
                        "record: no such connection"),
                row("bad percent-encoding in the path", "jdbc:lava-pg:bad/w%zz", "08001",
                        "bad percent-encoding in the conn_id"),
                row("bad percent-encoding in the query", "jdbc:lava-pg:bad/w?ApplicationName=%E0%A4%A", "08001",
                        "bad percent-encoding in the value of 'ApplicationName'"),
                row("query parameter without a name", "jdbc:lava-pg:bad/w?=x", "08001", "has no name"),
                row("no realm anywhere", "jdbc:lava-pg:warehouse", "08001", "url: no realm for conn_id 'warehouse'"),
                row("realm with a space", "jdbc:lava-pg:b%20ad/w", "08001", "may hold only letters"),
                row("TTL not a number", "jdbc:lava-pg:bad/w?recordTtl=soon", "08001", "recordTtl='soon'"),
                row("IAM token TTL over the limit", "jdbc:lava-pg:bad/w?iamTokenTtl=900", "08001",
                        "iamTokenTtl='900' is not a whole number of seconds from 1 to 870"),
                row("endpoint without a scheme", "jdbc:lava-pg:bad/w?awsEndpointUrl=localhost:4566", "08001",
                        "is not an absolute http:// or https:// URL"),
                row("unknown sslmode", "jdbc:lava-pg:bad/disabled?sslmode=sometimes", "08001",
                        "sslmode='sometimes' is not one of pgjdbc's values"),
                // where the records live
                row("unknown realm", "jdbc:lava-pg:nosuchrealm/w", "08001",
                        "record: DynamoDB table 'lava.nosuchrealm.connections' (us-east-1) does not exist"),
                row("connectionsTable that does not exist", "jdbc:lava-pg:bad/w?connectionsTable=nope", "08001",
                        "DynamoDB table 'nope' (us-east-1) does not exist"),
                row("connections file missing", "jdbc:lava-pg:bad/w?connectionsFile=/nonexistent/lava.json",
                        "08001", "connections file '/nonexistent/lava.json' does not exist"),
                row("connections file not JSON", "jdbc:lava-pg:bad/w?connectionsFile=" + recordsFile, "08001",
                        "could not be read as JSON"),
                row("AWS endpoint unreachable", "jdbc:lava-pg:bad/w?awsEndpointUrl=http://127.0.0.1:" + closedPort
                        + "&awsApiCallTimeout=2", "08001", "record: DynamoDB GetItem on table 'lava.bad.connections'"),
                // the record
                row("no such conn_id", "jdbc:lava-pg:bad/ghost", "08001", "record: no such connection"),
                row("record disabled", "jdbc:lava-pg:bad/disabled", "28000", "record: connection not enabled"),
                row("record without enabled", "jdbc:lava-pg:bad/no-enabled", "28000", "connection not enabled"),
                row("not a PostgreSQL type", "jdbc:lava-pg:bad/mysql", "08001", "type 'mysql' is not a PostgreSQL"),
                row("record without type", "jdbc:lava-pg:bad/no-type", "08001", "it has no 'type' field"),
                row("port not a number", "jdbc:lava-pg:bad/port-text", "08001",
                        "field 'port' must be an integer from 1 to 65535, not '54x2'"),
                row("port above 65535", "jdbc:lava-pg:bad/port-high", "08001", "field 'port' must be an integer"),
                row("port zero", "jdbc:lava-pg:bad/port-zero", "08001", "field 'port' must be an integer"),
                row("ssl_mode not lava's", "jdbc:lava-pg:bad/ssl-disable", "08001",
                        "field 'ssl_mode' is 'disable'; allowed values: require, verify-ca, verify-full"),
                row("CA bundle on S3, no such bucket", "jdbc:lava-pg:bad/ca-s3", "08001",
                        "ca bundle: the CA bundle s3://bucket/rds-ca.pem (the record's ssl_ca_file) does not exist"),
                // credentials
                row("host missing", "jdbc:lava-pg:bad/no-host", "08001", "field 'host' is missing"),
                row("user missing", "jdbc:lava-pg:bad/no-user", "08001", "field 'user' is missing"),
                row("database missing", "jdbc:lava-pg:bad/no-database", "08001", "field 'database' is missing"),
                row("no password for a plain type", "jdbc:lava-pg:bad/no-password", "28000",
                        "credentials: password must be specified for type 'postgres'"),
                row("SSM parameter missing", "jdbc:lava-pg:bad/ssm-missing", "08001",
                        "parameter: SSM parameter '/lava/bad/missing' does not exist"),
                row("SSM parameter outside the realm", "jdbc:lava-pg:bad/ssm-outside", "28000",
                        "SSM parameter '/lava/other/pw' is outside /lava/bad/"),
                row("SSM access denied", "jdbc:lava-pg:bad/ssm-denied", "28000",
                        "SSM GetParameter '/lava/bad/denied' was denied: AccessDeniedException"),
                row("SSM KMS key unusable", "jdbc:lava-pg:bad/ssm-kms", "28000",
                        "SSM GetParameter '/lava/bad/kms' was denied: InvalidKeyId"),
                row("secret not JSON", "jdbc:lava-pg:bad/secret-notjson", "08001",
                        "secret: secret '/lava/bad/notjson': its SecretString is not JSON"),
                row("secret not an object", "jdbc:lava-pg:bad/secret-array", "08001", "is JSON but not an object"),
                row("binary secret", "jdbc:lava-pg:bad/secret-binary", "08001", "secret '/lava/bad/binary' is binary"),
                row("secret missing", "jdbc:lava-pg:bad/secret-missing", "08001",
                        "secret '/lava/bad/missing' does not exist"),
                row("secret access denied", "jdbc:lava-pg:bad/secret-denied", "28000",
                        "GetSecretValue '/lava/bad/denied' was denied: AccessDeniedException"),
                row("secret KMS decrypt failure", "jdbc:lava-pg:bad/secret-kms", "28000",
                        "GetSecretValue '/lava/bad/kms' was denied: DecryptionFailure"),
                // the server
                // retried through the rotation window, here the 3 s of its loginTimeout
                row("stored password wrong", "jdbc:lava-pg:bad/wrong-password?loginTimeout=3", "28P01",
                        "connect: credentials were refreshed from their source and the server still refused them"),
                row("database does not exist", "jdbc:lava-pg:bad/no-such-db", "3D000",
                        "connect: PostgreSQL at"),
                row("nothing listens on the port", "jdbc:lava-pg:bad/closed-port", "08001",
                        "Check the record's host and port"));
    }

    private static Arguments row(String mistake, String url, String sqlState, String fragment) {
        return Arguments.of(mistake, url, sqlState, fragment);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeIsAClearSqlException(String mistake, String url, String sqlState, String fragment) {
        Properties p = LavaRealm.awsProperties(aws);
        if (url.contains("awsEndpointUrl=")) {
            p.remove("awsEndpointUrl");
        }
        p.setProperty("user", "typed-user");
        p.setProperty("password", SecretLeakGuard.secret("typed-password"));
        assertThatThrownBy(() -> DriverManager.getConnection(url, p))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).as("SQLState").isEqualTo(sqlState);
                    assertThat(e.getMessage()).startsWith("lava-pg realm ")
                            .contains(fragment)
                            .matches(FIX)
                            .doesNotContain(PASSWORD, "definitely-not-it", "hunter2", "typed-password");
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void theErrorsPageListsEveryState(String mistake, String url, String sqlState, String fragment) {
        assertThat(Docs.file("docs/errors.md")).as("docs/errors.md").contains("`" + sqlState + "`");
    }
}
