package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A data source's settings as the driver gets them: the URL, the properties, the checks of values given as strings
 * (JNDI) and the masked description.
 */
class DataSourceSettingsTest {

    private static Map<String, String> settings(String... nameValue) {
        Map<String, String> s = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            s.put(nameValue[i], nameValue[i + 1]);
        }
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            warehouse       | jdbc:lava-pg:warehouse
            db/psql/local   | jdbc:lava-pg:db%2Fpsql%2Flocal
            my conn         | jdbc:lava-pg:my%20conn
            a+b             | jdbc:lava-pg:a%2Bb
            café            | jdbc:lava-pg:caf%C3%A9
            """)
    void aConnIdBecomesAUrlThatParsesBackToIt(String connId, String url) throws SQLException {
        String built = DataSourceSettings.url(settings("connId", connId, "realm", "prod"));
        assertThat(built).isEqualTo(url);
        Properties realm = new Properties();
        realm.setProperty("realm", "prod");
        assertThat(ConnectionRef.parse(built, realm, key -> null).connId()).isEqualTo(connId);
    }

    @Test
    void aUrlIsTakenAsSet() throws SQLException {
        assertThat(DataSourceSettings.url(settings("url", "jdbc:lava-pg:prod/w?x=1"))).isEqualTo("jdbc:lava-pg:prod/w?x=1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            both                 | jdbc:lava-pg:prod/w  | w    | prod | lava-pg realm 'prod', conn_id 'w': url: both url and connId are set. Set either url (jdbc:lava-pg:...) or connId (with realm)
            neither              |                      |      | prod | lava-pg realm 'prod', conn_id (none): url: no connection set. Set connId (and realm, else LAVA_REALM is used), or url (jdbc:lava-pg:<realm>/<conn_id>)
            not ours             | jdbc:postgresql://h/ |      |      | lava-pg realm (none), conn_id (none): url: url does not start with 'jdbc:lava-pg:'. Set a jdbc:lava-pg: URL, or realm and connId
            """)
    void neitherOrBothOrAForeignUrlAreRefused(String what, String url, String connId, String realm, String message) {
        Map<String, String> s = new LinkedHashMap<>();
        if (url != null) {
            s.put("url", url);
        }
        if (connId != null) {
            s.put("connId", connId);
        }
        if (realm != null) {
            s.put("realm", realm);
        }
        assertThatThrownBy(() -> DataSourceSettings.url(s)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void theDriverPropertiesAreEveryOtherSettingOverThePgPropertiesBag() {
        Properties p = DataSourceSettings.properties(settings("url", "jdbc:lava-pg:prod/w", "connId", "w",
                "pgProperties", "options=-c%20x%3D1&tcpKeepAlive=false&ApplicationName=bag", "ApplicationName", "own",
                "realm", "prod"));
        assertThat(p).containsOnly(Map.entry("options", "-c x=1"), Map.entry("tcpKeepAlive", "false"),
                Map.entry("ApplicationName", "own"), Map.entry("realm", "prod"));
        assertThat(DataSourceSettings.properties(Map.of())).isEmpty();
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', textBlock = """
            a=1&b=2                 | {a=1, b=2}
            a=x+y                   | {a=x y}
            a=%26%3D%25             | {a=&=%}
            flag                    | {flag=}
            flag=                   | {flag=}
            ' a =1'                 | {a=1}
            &&a=1&&                 | {a=1}
            a=1&a=2                 | {a=2}
            ''                      | {}
            a==b                    | {a==b}
            """)
    void thePgPropertiesBagDecodesAsAUrlQuery(String text, String decoded) {
        assertThat(DataSourceSettings.decodePgProperties(text)).hasToString(decoded);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            =1                        | pgProperties: an entry has no key (expected key=value&key=value)
            ' =1'                     | pgProperties: an entry has no key (expected key=value&key=value)
            a%zz=1                    | pgProperties: bad percent-encoding in a key (write '%' itself as %25)
            password=hunter2%         | pgProperties: bad percent-encoding in the value of 'password' (write '%' itself as %25)
            """)
    void aBadPgPropertiesBagNamesTheKeyButNeverTheValue(String text, String message) {
        assertThatThrownBy(() -> DataSourceSettings.decodePgProperties(text))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message)
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> DataSourceSettings.validate("pgProperties", text)).hasMessage(message);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            recordTtl                | 0
            recordTtl                | ' 60 '
            recordTtl                | ''
            recordTtl                |
            iamPort                  | 65535
            awsRegion                | anything at all
            realm                    | prod
            connectTimeout           | 10
            connectTimeout           | -1
            loginTimeout             | 0
            tcpKeepAlive             | true
            tcpKeepAlive             | FALSE
            reWriteBatchedInserts    | True
            sslmode                  | anything
            pgProperties             | a=1&b
            url                      | jdbc:lava-pg:prod/w
            connId                   | w
            """)
    void acceptedSettings(String name, String value) {
        assertThatCode(() -> DataSourceSettings.validate(name, value)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            recordTtl             | -1      | 'recordTtl' must be a whole number of seconds >= 0, not '-1' (default 60)
            recordTtl             | 1.5     | 'recordTtl' must be a whole number of seconds >= 0, not '1.5' (default 60)
            iamTokenTtl           | 871     | 'iamTokenTtl' must be a whole number of seconds from 1 to 870, not '871' (default 840)
            iamPort               | 0       | 'iamPort' must be a port number from 1 to 65535, not '0'
            connectTimeout        | ten     | 'connectTimeout' must be a whole number, not 'ten'
            prepareThreshold      | 2.5     | 'prepareThreshold' must be a whole number, not '2.5'
            tcpKeepAlive          | yes     | 'tcpKeepAlive' must be true or false, not 'yes'
            reWriteBatchedInserts | 1       | 'reWriteBatchedInserts' must be true or false, not '1'
            """)
    void refusedSettingsSayWhatIsAllowed(String name, String value, String message) {
        assertThatThrownBy(() -> DataSourceSettings.validate(name, value))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void anUnknownSettingListsTheKnownOnes() {
        assertThatThrownBy(() -> DataSourceSettings.validate("recordTTL", "5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'recordTTL' is not a LavaPgDataSource setting; known: ")
                .hasMessageContaining("ApplicationName, awsApiCallAttemptTimeout, awsApiCallTimeout, awsEndpointUrl");
    }

    @Test
    void theSetsOfSettingsByType() {
        assertThat(DataSourceSettings.BOOLEANS).containsExactlyInAnyOrder("tcpKeepAlive", "reWriteBatchedInserts");
        assertThat(DataSourceSettings.INTS).contains("recordTtl", "iamPort", "maxStale", "connectTimeout",
                "socketTimeout", "loginTimeout", "defaultRowFetchSize", "prepareThreshold")
                .doesNotContain("realm", "awsRegion", "iamHost", "connectionsFile", "tcpKeepAlive", "sslmode");
        assertThat(DataSourceSettings.PGJDBC).contains("ApplicationName", "sslmode", "sslrootcert", "options",
                "currentSchema", "tcpKeepAlive", "connectTimeout").doesNotContain("recordTtl");
        assertThat(DataSourceSettings.ALL).contains("url", "connId", "pgProperties", "realm", "iamTokenTtl",
                "ApplicationName");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            url=jdbc:lava-pg:prod/w?password=pw&x=1                     | LavaPgDataSource[url=jdbc:lava-pg:prod/w?password=***&x=1]
            url=jdbc:lava-pg:prod/w?sslpassword=pw&PassWord=pw          | LavaPgDataSource[url=jdbc:lava-pg:prod/w?sslpassword=***&PassWord=***]
            url=jdbc:lava-pg:prod/w?pass%77ord=pw                       | LavaPgDataSource[url=jdbc:lava-pg:prod/w?pass%77ord=***]
            url=jdbc:lava-pg:prod/w?password&%zz=1                      | LavaPgDataSource[url=jdbc:lava-pg:prod/w?password&%zz=1]
            url=jdbc:lava-pg:prod/w                                     | LavaPgDataSource[url=jdbc:lava-pg:prod/w]
            pgProperties=password=pw&&a=1                               | LavaPgDataSource[pgProperties=password=***&&a=1]
            ApplicationName=password=pw                                 | LavaPgDataSource[ApplicationName=password=pw]
            """)
    void theDescriptionMasksEveryPasswordLikeValueInTheUrlAndTheBag(String setting, String described) {
        int eq = setting.indexOf('=');
        assertThat(DataSourceSettings.describe(settings(setting.substring(0, eq), setting.substring(eq + 1))))
                .isEqualTo(described);
    }

    @Test
    void theDescriptionStartsWithRealmConnIdAndUrlThenTheRestSorted() {
        assertThat(DataSourceSettings.describe(settings("recordTtl", "5", "url", "u", "awsRegion", "r",
                "connId", "w", "realm", "prod")))
                .isEqualTo("LavaPgDataSource[realm=prod, connId=w, url=u, awsRegion=r, recordTtl=5]");
        assertThat(DataSourceSettings.describe(Map.of())).isEqualTo("LavaPgDataSource[]");
    }
}
