package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionOptionsTest {
    private static final UnaryOperator<String> NO_ENV = key -> null;

    private static ConnectionOptions options(String url, UnaryOperator<String> env) {
        return ConnectionOptions.of(ConnectionRef.parse(url, null, env), env);
    }

    @Test
    void defaults() {
        ConnectionOptions o = options("jdbc:lava-pg:prod/warehouse", NO_ENV);
        assertThat(o.connectionsTable()).isEqualTo("lava.prod.connections");
        assertThat(o.connectionsFile()).isNull();
        assertThat(o.aws()).isEqualTo(new AwsSettings(null, null, null));
        assertThat(o.timeouts()).isEqualTo(new CallTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(3)));
        assertThat(o.loginTimeout()).isNull();
        assertThat(o.maxStale()).isEqualTo(Duration.ofHours(1));
        assertThat(o.recordTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.parameterTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.secretTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.pgProperties()).isEmpty();
    }

    @Test
    void everyPropertyIsRead() {
        ConnectionOptions o = options("jdbc:lava-pg:prod/warehouse?connectionsTable=t&connectionsFile=/f.json"
                + "&awsRegion=eu-west-1&awsProfile=ops&awsEndpointUrl=http://localhost:4566&recordTtl=1"
                + "&parameterTtl=2&secretTtl=0&sslmode=require", NO_ENV);
        assertThat(o.connectionsTable()).isEqualTo("t");
        assertThat(o.connectionsFile()).isEqualTo(Path.of("/f.json"));
        assertThat(o.aws()).isEqualTo(new AwsSettings("eu-west-1", "ops", "http://localhost:4566"));
        assertThat(o.recordTtl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.parameterTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.secretTtl()).isZero();
        assertThat(o.pgProperties()).containsOnlyKeys("sslmode");
    }

    @Test
    void databaseIsAnotherDatabaseOfTheRecordsServerAndNeverPassedToPgjdbc() {
        assertThat(options("jdbc:lava-pg:prod/warehouse", NO_ENV).database()).isNull();
        assertThat(options("jdbc:lava-pg:prod/warehouse?database=", NO_ENV).database()).isNull();
        ConnectionOptions o = options("jdbc:lava-pg:prod/warehouse?database=sales%20eu", NO_ENV);
        assertThat(o.database()).isEqualTo("sales eu");
        assertThat(o.pgProperties()).doesNotContainKey("database");
        assertThat(options("jdbc:lava-pg:prod/warehouse?database=" + "d".repeat(63), NO_ENV).database())
                .hasSize(63);
    }

    @Test
    void aDatabaseNameLongerThanPostgresqlsIdentifiersIsRefused() {
        // 64 bytes in UTF-8
        String setting = "database=é12345678901234567890123456789012345678901234567890123456789012";
        assertThatThrownBy(() -> options("jdbc:lava-pg:prod/warehouse?" + setting, NO_ENV))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.sqlState()).isEqualTo("08001"))
                .hasMessageContaining("property database is not a PostgreSQL database name");
    }

    @Test
    void loginTimeoutCapsTheAwsCallTimeout() {
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=4", NO_ENV).timeouts().apiCall())
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=2&awsApiCallAttemptTimeout=3", NO_ENV).timeouts())
                .extracting(CallTimeouts::apiCall, CallTimeouts::attempt)
                .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=90", NO_ENV).timeouts().apiCall())
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=0", NO_ENV).timeouts().apiCall())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void loginTimeoutIsTheConnectsDeadline() {
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=4", NO_ENV).loginTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=2.5", NO_ENV).loginTimeout())
                .isEqualTo(Duration.ofMillis(2500));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=0", NO_ENV).loginTimeout()).isNull();
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=x", NO_ENV).loginTimeout()).isNull();
    }

    @Test
    void connectionsFileFromTheEnvironmentUnlessSet() {
        UnaryOperator<String> env = Map.of("LAVA_CONNECTIONS_FILE", "/env.json")::get;
        assertThat(options("jdbc:lava-pg:p/c", env).connectionsFile()).isEqualTo(Path.of("/env.json"));
        assertThat(options("jdbc:lava-pg:p/c?connectionsFile=/prop.json", env).connectionsFile())
                .isEqualTo(Path.of("/prop.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"recordTtl=-1", "parameterTtl=1.5", "secretTtl=5m", "recordTtl=99999999999999999999"})
    void badTtlsAreRefused(String setting) {
        assertThatThrownBy(() -> options("jdbc:lava-pg:p/c?" + setting, NO_ENV))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(setting.substring(0, setting.indexOf('=')) + "=")
                .hasMessageContaining("whole number of seconds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iamTokenTtl=871", "iamTokenTtl=0", "iamTokenTtl=900", "iamPort=0", "iamPort=65536",
            "iamPort=x"})
    void iamSettingsOutOfRangeAreRefused(String setting) {
        assertThatThrownBy(() -> options("jdbc:lava-pg:p/c?" + setting, NO_ENV))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(setting.replace("=", "='") + "'")
                .hasMessageMatching(".*(from 1 to 870|from 1 to 65535).*");
    }

    @Test
    void iamSettings() {
        ConnectionOptions o = options("jdbc:lava-pg:p/c?iamHost=db.x.eu-west-1.rds.amazonaws.com&iamPort=5433"
                + "&iamTokenTtl=870", NO_ENV);
        assertThat(o.iamHost()).isEqualTo("db.x.eu-west-1.rds.amazonaws.com");
        assertThat(o.iamPort()).isEqualTo(5433);
        assertThat(o.iamTokenTtl()).isEqualTo(Duration.ofSeconds(870));
        assertThat(options("jdbc:lava-pg:p/c", NO_ENV).iamTokenTtl()).isEqualTo(Duration.ofMinutes(14));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:4566", "ftp://h/", "http://", "not a url"})
    void badEndpointsAreRefused(String endpoint) {
        assertThatThrownBy(() -> options("jdbc:lava-pg:p/c?awsEndpointUrl=" + endpoint.replace(" ", "%20"), NO_ENV))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("awsEndpointUrl");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                  |
            sslmode=disable                     | DISABLE
            sslmode=require                     | REQUIRE
            sslmode=VERIFY-CA                   | VERIFY_CA
            sslmode=verify-full&ssl=false       | VERIFY_FULL
            sslmode=prefer&ssl=true             | PREFER
            ssl=true                            | VERIFY_FULL
            ssl=TRUE                            | VERIFY_FULL
            ssl                                 | VERIFY_FULL
            ssl=                                | VERIFY_FULL
            ssl=false                           |
            ssl=yes                             |
            """)
    void theTlsModeTheUserAskedPgjdbcFor(String query, SslMode mode) {
        assertThat(options("jdbc:lava-pg:p/c?" + query, NO_ENV).sslMode()).isEqualTo(mode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify_full", "on", "strict"})
    void anSslmodePgjdbcDoesNotKnowIsRefusedListingItsValues(String sslmode) {
        assertThatThrownBy(() -> options("jdbc:lava-pg:p/c?sslmode=" + sslmode, NO_ENV))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("08001");
                    assertThat(e).hasMessage("property sslmode='" + sslmode + "' is not one of pgjdbc's values. Set "
                            + "one of: disable, allow, prefer, require, verify-ca, verify-full");
                });
    }

    @Test
    void pgjdbcGetsEveryPropertyButTheDriversOwnAndTheCredentials() {
        ConnectionOptions o = options("jdbc:lava-pg:p/c?user=u&password=pw&recordTtl=5&realm=p&awsRegion=eu-west-1"
                + "&ApplicationName=etl&connectTimeout=7&loginTimeout=9", NO_ENV);
        assertThat(o.pgProperties()).containsOnly(Map.entry("ApplicationName", "etl"),
                Map.entry("connectTimeout", "7"), Map.entry("loginTimeout", "9"));
        assertThatThrownBy(() -> o.pgProperties().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            jdbc:lava-pg:prod/c                          | lava.prod.connections
            jdbc:lava-pg:dev-2/c                         | lava.dev-2.connections
            jdbc:lava-pg:c?realm=qa                      | lava.qa.connections
            jdbc:lava-pg:prod/c?connectionsTable=mine    | mine
            """)
    void theRecordsTableIsTheRealmsUnlessSet(String url, String table) {
        assertThat(options(url, NO_ENV).connectionsTable()).isEqualTo(table);
    }

    @ParameterizedTest(name = "{0}: call {1} s, attempt {2} s")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                                  | 60 | 3
            awsApiCallTimeout=10                                | 10 | 3
            awsApiCallTimeout=10&awsApiCallAttemptTimeout=10    | 10 | 10
            awsApiCallTimeout=10&awsApiCallAttemptTimeout=11    | 10 | 10
            awsApiCallTimeout=2                                 | 2  | 2
            awsApiCallTimeout=20&loginTimeout=20                | 20 | 3
            awsApiCallTimeout=20&loginTimeout=19                | 19 | 3
            awsApiCallTimeout=20&loginTimeout=21                | 20 | 3
            awsApiCallAttemptTimeout=30&loginTimeout=25         | 25 | 25
            """)
    void theAttemptIsNeverLongerThanTheCallNorTheCallThanTheLogin(String query, long call, long attempt) {
        assertThat(options("jdbc:lava-pg:p/c?" + query, NO_ENV).timeouts())
                .isEqualTo(new CallTimeouts(Duration.ofSeconds(call), Duration.ofSeconds(attempt)));
    }

    @ParameterizedTest(name = "{0}: {1} ms")
    @CsvSource(delimiter = '|', textBlock = """
            loginTimeout=' 3 '     | 3000
            loginTimeout=0.5       | 500
            loginTimeout=0.0004    |
            loginTimeout=-1        |
            loginTimeout=          |
            """)
    void loginTimeoutAsPgjdbcReadsIt(String query, Long millis) {
        assertThat(options("jdbc:lava-pg:p/c?" + query.replace("'", "").replace(" ", "%20"), NO_ENV).loginTimeout())
                .isEqualTo(millis == null ? null : Duration.ofMillis(millis));
    }

    @Test
    void withoutTheLoginTimeoutPropertyDriverManagersApplies() {
        int before = DriverManager.getLoginTimeout();
        try {
            DriverManager.setLoginTimeout(7);
            assertThat(options("jdbc:lava-pg:p/c", NO_ENV).loginTimeout()).isEqualTo(Duration.ofSeconds(7));
            assertThat(options("jdbc:lava-pg:p/c", NO_ENV).timeouts().apiCall()).isEqualTo(Duration.ofSeconds(7));
            assertThat(options("jdbc:lava-pg:p/c?loginTimeout=3", NO_ENV).loginTimeout())
                    .isEqualTo(Duration.ofSeconds(3));
            assertThat(options("jdbc:lava-pg:p/c?loginTimeout=bad", NO_ENV).loginTimeout())
                    .as("pgjdbc reports a bad value itself").isEqualTo(Duration.ofSeconds(7));
        } finally {
            DriverManager.setLoginTimeout(before);
        }
    }

    @Test
    void maxStaleAndTtlsAsSet() {
        ConnectionOptions o = options("jdbc:lava-pg:p/c?maxStale=0&recordTtl=0&secretTtl=86400", NO_ENV);
        assertThat(o.maxStale()).isZero();
        assertThat(o.recordTtl()).isZero();
        assertThat(o.secretTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(o.iamHost()).isNull();
        assertThat(o.iamPort()).isNull();
    }

    @Test
    void aBadEndpointIsRefusedBeforeAnythingIsRead() {
        assertThatThrownBy(() -> options("jdbc:lava-pg:p/c?awsEndpointUrl=localhost:4566&sslmode=bad", NO_ENV))
                .hasMessageContaining("awsEndpointUrl");
    }
}
