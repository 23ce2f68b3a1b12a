package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionRefTest {
    private static final UnaryOperator<String> NO_ENV = key -> null;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            jdbc:lava-pg:prod/warehouse                  | prod     | warehouse
            jdbc:lava-pg://prod/warehouse                | prod     | warehouse
            jdbc:lava-pg:prod/warehouse?                 | prod     | warehouse
            jdbc:lava-pg:prod-2.eu_x/conn.with-dots      | prod-2.eu_x | conn.with-dots
            jdbc:lava-pg:prod/a%2Fb                      | prod     | a/b
            jdbc:lava-pg:prod/caf%C3%A9                  | prod     | café
            jdbc:lava-pg:prod/a+b                        | prod     | a+b
            jdbc:lava-pg:prod/warehouse?realm=other      | prod     | warehouse
            jdbc:lava-pg:warehouse?realm=dev             | dev      | warehouse
            jdbc:lava-pg://warehouse?realm=dev           | dev      | warehouse
            jdbc:lava-pg:prod/db/psql/local              | prod     | db/psql/local
            jdbc:lava-pg://prod/db/psql/local            | prod     | db/psql/local
            jdbc:lava-pg:test/db/psql/local?sslmode=require | test  | db/psql/local
            jdbc:lava-pg:prod/db%2Fpsql/local            | prod     | db/psql/local
            jdbc:lava-pg:prod/db/caf%C3%A9               | prod     | db/café
            jdbc:lava-pg:prod/db/psql/local?realm=other  | prod     | db/psql/local
            jdbc:lava-pg:db%2Fpsql%2Flocal?realm=prod    | prod     | db/psql/local
            """)
    void validUrls(String url, String realm, String connId) {
        ConnectionRef ref = ConnectionRef.parse(url, null, NO_ENV);
        assertThat(ref.realm()).isEqualTo(realm);
        assertThat(ref.connId()).isEqualTo(connId);
    }

    @Test
    void realmFromPropertyThenEnvironment() {
        Properties info = new Properties();
        info.setProperty("realm", "fromprops");
        UnaryOperator<String> env = Map.of("LAVA_REALM", "fromenv")::get;
        assertThat(ConnectionRef.parse("jdbc:lava-pg:w", info, env).realm()).isEqualTo("fromprops");
        assertThat(ConnectionRef.parse("jdbc:lava-pg:w", new Properties(), env).realm()).isEqualTo("fromenv");
        assertThat(ConnectionRef.parse("jdbc:lava-pg:r/w", info, env).realm()).isEqualTo("r");
        // a '/' always puts the realm in the first segment, even with a realm property: 'db' is the realm here
        ConnectionRef slashed = ConnectionRef.parse("jdbc:lava-pg:db/psql/local", info, env);
        assertThat(slashed.realm()).isEqualTo("db");
        assertThat(slashed.connId()).isEqualTo("psql/local");
        // the realm from the property with a conn_id holding '/': written with %2F
        ConnectionRef encoded = ConnectionRef.parse("jdbc:lava-pg:db%2Fpsql%2Flocal", info, env);
        assertThat(encoded.realm()).isEqualTo("fromprops");
        assertThat(encoded.connId()).isEqualTo("db/psql/local");
    }

    @Test
    void queryIsPercentDecodedAndWinsOverProperties() {
        Properties info = new Properties();
        info.setProperty("ApplicationName", "from-props");
        info.setProperty("connectTimeout", "7");
        ConnectionRef ref = ConnectionRef.parse(
                "jdbc:lava-pg:p/c?ApplicationName=my%20app+x&sslrootcert=%2Ftmp%2Fca.pem&&flag", info, NO_ENV);
        assertThat(ref.properties())
                .containsEntry("ApplicationName", "my app x")
                .containsEntry("sslrootcert", "/tmp/ca.pem")
                .containsEntry("connectTimeout", "7")
                .containsEntry("flag", "");
    }

    @Test
    void propertiesDefaultsChainIsRead() {
        Properties defaults = new Properties();
        defaults.setProperty("awsRegion", "eu-west-1");
        ConnectionRef ref = ConnectionRef.parse("jdbc:lava-pg:p/c", new Properties(defaults), NO_ENV);
        assertThat(ref.properties().get("awsRegion")).isEqualTo("eu-west-1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            jdbc:lava-pg:                    | no conn_id
            jdbc:lava-pg://                  | no conn_id
            jdbc:lava-pg:?realm=x            | no conn_id
            jdbc:lava-pg:prod/               | empty conn_id
            jdbc:lava-pg:/warehouse          | empty realm
            jdbc:lava-pg:acc//x              | empty segment in conn_id '/x'
            jdbc:lava-pg:prod/db/psql/       | empty segment in conn_id 'db/psql/'
            jdbc:lava-pg:prod//              | empty segment
            jdbc:lava-pg://prod/db//local    | empty segment in conn_id 'db//local'
            jdbc:lava-pg:prod/db/ware%4      | bad percent-encoding in the conn_id
            jdbc:lava-pg:pr$od/db/local      | may hold only letters
            jdbc:lava-pg:pr%zzod/warehouse   | bad percent-encoding in the realm
            jdbc:lava-pg:prod/ware%4         | bad percent-encoding in the conn_id
            jdbc:lava-pg:prod/w?x=%E0%A4%A   | bad percent-encoding in the value of 'x'
            jdbc:lava-pg:prod/w?=v           | has no name
            jdbc:lava-pg:pr$od/warehouse     | may hold only letters
            jdbc:lava-pg:pr%20od/warehouse   | may hold only letters
            jdbc:lava-pg:warehouse           | no realm for conn_id 'warehouse'
            """)
    void invalidUrls(String url, String message) {
        assertThatThrownBy(() -> ConnectionRef.parse(url, null, NO_ENV))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((SourceException) e).sqlState()).isEqualTo("08001"));
    }

    @Test
    void malformedQueryValueIsNeverEchoed() {
        assertThatThrownBy(() -> ConnectionRef.parse("jdbc:lava-pg:p/c?password=hunter2%zz", null, NO_ENV))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void acceptsOnlyItsPrefix() {
        assertThat(ConnectionRef.accepts("jdbc:lava-pg:p/c")).isTrue();
        assertThat(ConnectionRef.accepts("jdbc:postgresql://h/d")).isFalse();
        assertThat(ConnectionRef.accepts("jdbc:lava-pgx:p/c")).isFalse();
        assertThat(ConnectionRef.accepts("JDBC:LAVA-PG:p/c")).isFalse();
        assertThat(ConnectionRef.accepts(null)).isFalse();
    }

    @ParameterizedTest(name = "LAVA_REALM=''{0}''")
    @CsvSource(delimiter = '|', textBlock = """
            dev        | dev
            ' dev '    | dev
            """)
    void theRealmFromTheEnvironmentIsTrimmed(String variable, String realm) {
        assertThat(ConnectionRef.parse("jdbc:lava-pg:w", null, Map.of("LAVA_REALM", variable)::get).realm())
                .isEqualTo(realm);
    }

    @ParameterizedTest(name = "LAVA_REALM=''{0}''")
    @CsvSource(delimiter = '|', textBlock = """
            ''
            '   '
            """)
    void aBlankRealmVariableIsNoRealm(String variable) {
        assertThatThrownBy(() -> ConnectionRef.parse("jdbc:lava-pg:w", null, Map.of("LAVA_REALM", variable)::get))
                .isInstanceOf(SourceException.class)
                .hasMessage("no realm for conn_id 'w'. Write the URL as jdbc:lava-pg:<realm>/<conn_id>, or set the "
                        + "'realm' property or the LAVA_REALM environment variable");
    }

    @Test
    void aMalformedUrlSaysHowToWriteIt() {
        assertThatThrownBy(() -> ConnectionRef.parse("jdbc:lava-pg:prod/", null, NO_ENV))
                .hasMessage("malformed URL: empty conn_id. Fix the URL: jdbc:lava-pg:<realm>/<conn_id>[?key=value&...] "
                        + "or jdbc:lava-pg:<conn_id>[?...]");
        assertThatThrownBy(() -> ConnectionRef.parse("jdbc:lava-pg:prod/%20", null, NO_ENV))
                .hasMessageStartingWith("malformed URL: empty conn_id.");
        assertThatThrownBy(() -> ConnectionRef.parse("jdbc:lava-pg:%20?realm=prod", null, NO_ENV))
                .hasMessageStartingWith("malformed URL: empty conn_id.");
    }

    @Test
    void thePropertiesAreACopyThatCannotChange() {
        Properties info = new Properties();
        info.setProperty("password", "pw");
        ConnectionRef ref = ConnectionRef.parse("jdbc:lava-pg:prod/w?a=1", info, NO_ENV);
        info.setProperty("password", "changed");
        assertThat(ref.properties()).containsOnly(Map.entry("password", "pw"), Map.entry("a", "1"));
        assertThatThrownBy(() -> ref.properties().put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ConnectionRef.parse("jdbc:lava-pg:prod/w", null, NO_ENV).properties()).isEmpty();
    }

    @Test
    void toStringNamesRealmAndConnIdButNoProperty() {
        Properties info = new Properties();
        info.setProperty("password", "hunter2");
        assertThat(ConnectionRef.parse("jdbc:lava-pg:prod/db/w", info, NO_ENV))
                .hasToString("ConnectionRef[realm=prod, connId=db/w]");
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', textBlock = """
            x       | x
            ' x '   | x
            ' '     |
            ''      |
                    |
            """)
    void blankIsNull(String given, String expected) {
        assertThat(ConnectionRef.blankToNull(given)).isEqualTo(expected);
    }
}
