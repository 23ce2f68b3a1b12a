package io.lava.jdbc.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.engine.Caches;
import io.lava.jdbc.internal.record.ResolvedConnection.PasswordSource;
import io.lava.jdbc.internal.record.ResolvedConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** lava's secret merge: the secret fills what the record lacks; the record always wins. */
class SecretMergeTest {
    private static final String FULL_SECRET = """
            {"username":"s_user","password":"s_pw","host":"s.host","port":6000,"dbname":"s_db",
             "dbClusterIdentifier":"s-cluster","engine":"postgres","extra":{"nested":true}}""";

    private static ConnectionRecord record(String host, Integer port, String database, String user, String parameter,
                                           String type) {
        return new ConnectionRecord("c", LavaType.forName(type), host, port, database, user, parameter, "sid", null,
                null, null);
    }

    @ParameterizedTest(name = "record host={0} port={1} db={2} user={3} ssm={4}")
    @CsvSource(nullValues = "-", textBlock = """
            # host    port  db    user    ssm value → host    port  db    user    password source
            -,        -,    -,    -,      -,          s.host, 6000, s_db, s_user, s_pw,    SECRET
            r.host,   -,    -,    -,      -,          r.host, 6000, s_db, s_user, s_pw,    SECRET
            -,        5432, -,    -,      -,          s.host, 5432, s_db, s_user, s_pw,    SECRET
            -,        -,    r_db, -,      -,          s.host, 6000, r_db, s_user, s_pw,    SECRET
            -,        -,    -,    r_user, -,          s.host, 6000, s_db, r_user, s_pw,    SECRET
            -,        -,    -,    -,      ssm_pw,     s.host, 6000, s_db, s_user, ssm_pw,  SSM_PARAMETER
            r.host,   5432, r_db, r_user, ssm_pw,     r.host, 5432, r_db, r_user, ssm_pw,  SSM_PARAMETER
            """)
    void recordWins(String host, Integer port, String db, String user, String ssmValue,
                    String eHost, int ePort, String eDb, String eUser, String ePassword, PasswordSource eSource) {
        ResolvedConnection r = ResolvedConnection.of("prod", record(host, port, db, user, ssmValue, "postgres"),
                ssmValue, SecretFields.parse("sid", FULL_SECRET));
        assertThat(r.host()).isEqualTo(eHost);
        assertThat(r.port()).isEqualTo(ePort);
        assertThat(r.database()).isEqualTo(eDb);
        assertThat(r.user()).isEqualTo(eUser);
        assertThat(r.password()).isEqualTo(ePassword);
        assertThat(r.passwordSource()).isEqualTo(eSource);
    }

    @Test
    void portAsStringInSecret() {
        ResolvedConnection r = ResolvedConnection.of("p", record(null, null, null, null, null, "postgres"), null,
                SecretFields.parse("sid", "{\"host\":\"h\",\"port\":\"7000\",\"dbname\":\"d\",\"username\":\"u\","
                        + "\"password\":\"pw\"}"));
        assertThat(r.port()).isEqualTo(7000);
    }

    @ParameterizedTest(name = "missing {0}")
    @ValueSource(strings = {"host", "port", "dbname", "username"})
    void requiredAfterMerge(String key) {
        String secret = FULL_SECRET.replace("\"" + key + "\"", "\"ignored_" + key + "\"");
        String field = switch (key) {
            case "dbname" -> "database";
            case "username" -> "user";
            default -> key;
        };
        assertThatThrownBy(() -> ResolvedConnection.of("p", record(null, null, null, null, null, "postgres"), null,
                SecretFields.parse("sid", secret)))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("field '" + field + "' is missing");
    }

    @Test
    void plainTypeWithoutPasswordIsRefused() {
        assertThatThrownBy(() -> ResolvedConnection.of("p", record("h", 1, "d", "u", null, "postgres"), null,
                SecretFields.NONE))
                .hasMessageContaining("password must be specified")
                .satisfies(e -> assertThat(((SourceException) e).sqlState()).isEqualTo("28000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres-aurora", "postgres-rds"})
    void iamTypeWithoutPasswordWaitsForAToken(String type) {
        ResolvedConnection r = ResolvedConnection.of("p", record("h", 1, "d", "u", null, type), null,
                SecretFields.NONE);
        assertThat(r.password()).isNull();
        assertThat(r.passwordSource()).isEqualTo(PasswordSource.IAM_TOKEN);
        assertThat(r.withPassword("tok").password()).isEqualTo("tok");
    }

    @Test
    void anotherDatabaseKeepsEverythingElseOfTheRecord() {
        ResolvedConnection r = ResolvedConnection.of("p", record("db.example.com", 5433, "d", "u", null,
                "postgres-aurora"), null, SecretFields.NONE).withPassword("tok");
        ResolvedConnection other = r.withDatabase("sales");
        assertThat(other.database()).isEqualTo("sales");
        assertThat(other).usingRecursiveComparison().ignoringFields("database").isEqualTo(r);
        assertThat(r.withDatabase(null)).isSameAs(r);
    }

    @Test
    void iamTypeWithoutUserNamesTheField() {
        assertThatThrownBy(() -> ResolvedConnection.of("p", record("h", 1, "d", null, null, "postgres-aurora"), null,
                SecretFields.NONE))
                .hasMessageContaining("field 'user' is missing");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json at all s3cr3t      | is not JSON
            "s3cr3t"                    | not an object
            ["s3cr3t"]                  | not an object
            {"password":["s3cr3t"]}     | key 'password' must be a string or a number
            {"password": s3cr3t         | is not JSON
            """)
    void badSecretsAreRefusedWithoutEchoingThem(String secret, String message) {
        assertThatThrownBy(() -> SecretFields.parse("sid", secret))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining("s3cr3t")
                .hasNoCause();
    }

    @Test
    void toStringsNeverShowValues() {
        SecretFields fields = SecretFields.parse("sid", FULL_SECRET);
        assertThat(fields.toString()).doesNotContain("s_pw", "s_user", "s.host");
        ResolvedConnection r = ResolvedConnection.of("p", record(null, null, null, null, null, "postgres"), null, fields);
        assertThat(r.toString()).doesNotContain("s_pw").contains("redacted");
        assertThat(new Caches.Secret("s_pw").toString()).doesNotContain("s_pw");
    }
}
