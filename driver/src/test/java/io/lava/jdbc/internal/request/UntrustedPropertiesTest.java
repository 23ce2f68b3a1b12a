package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pgjdbc properties a URL may not set: each row a query a tenant could type, case and percent-encoding variants
 * included.
 */
class UntrustedPropertiesTest {

    private static ConnectionOptions options(String query) {
        return ConnectionOptions.of(ConnectionRef.parse("jdbc:lava-pg:prod/c?" + query, null, k -> null), k -> null);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "socketFactory=javax.net.DefaultSocketFactory",
            "socketfactory=javax.net.DefaultSocketFactory",
            "SOCKETFACTORY=x.Y",
            "socket%46actory=x.Y",
            "%73ocketFactory=x.Y",
            "socketFactory=",
            "sslfactory=org.postgresql.ssl.NonValidatingFactory",
            "sslfactory=org.postgresql.ssl.jdbc4.LibPQFactory",
            "sslfactory=org.postgresql.ssl.LibPQFactory%20",
            "sslfactory=ORG.postgresql.ssl.LibPQFactory",
            "SSLFactory=org.postgresql.ssl.NonValidatingFactory",
            "sslfactory=",
            "sslfactory=com.evil.Trust",
            "sslhostnameverifier=org.example.AllowAll",
            "SslHostnameVerifier=x",
            "sslpasswordcallback=org.example.Callback",
            "authenticationPluginClassName=org.example.Plugin",
            "authenticationpluginclassname=org.example.Plugin",
            "xmlFactoryFactory=LEGACY_INSECURE",
            "xmlFactoryFactory=org.example.Xml",
            "XMLFACTORYFACTORY=org.example.Xml",
            "classLoaderStrategy=context-first",
            "classloaderstrategy=whatever",
            "classLoaderStrategy=DRIVER",
    })
    void classNamePropertiesAreRefusedWhateverTheRecord(String query) {
        assertThatThrownBy(() -> options(query)).isInstanceOfSatisfying(SourceException.class, e -> {
            assertThat(e.sqlState()).isEqualTo("0A000");
            String key = java.net.URLDecoder.decode(query.substring(0, query.indexOf('=')),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(e.getMessage()).startsWith("property '" + key + "' ").contains("Remove it");
            String value = query.substring(query.indexOf('=') + 1);
            if (value.length() > 3) {
                assertThat(e.getMessage()).as("never the value").doesNotContain(value);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "sslfactory=org.postgresql.ssl.LibPQFactory",
            "sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory",
            "xmlFactoryFactory=",
            "classLoaderStrategy=driver",
            "classLoaderStrategy=driver-first",
            "sslmode=verify-full",
            "sslNegotiation=direct",
            "ApplicationName=x",
            "sslrootcert=/etc/ca.pem",
    })
    void otherPropertiesPass(String query) {
        assertThatCode(() -> options(query)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"socketFactory", "sslhostnameverifier", "sslfactory"})
    void thePropertiesObjectIsCheckedAsTheUrl(String key) {
        Properties info = new Properties();
        info.setProperty(key, "org.example.Anything");
        assertThatThrownBy(() -> ConnectionOptions.of(ConnectionRef.parse("jdbc:lava-pg:prod/c", info, k -> null),
                k -> null)).isInstanceOfSatisfying(SourceException.class,
                        e -> assertThat(e.sqlState()).isEqualTo("0A000"));
    }

    /** Columns: the query; record verify-*; IAM token; record ssl_ca_file; refused. */
    @ParameterizedTest(name = "{0} verify={1} iam={2} ca={3} → refused {4}")
    @CsvSource(delimiter = '|', textBlock = """
            sslfactoryarg=x                        | true  | false | false | true
            SSLFACTORYARG=x                        | true  | false | false | true
            sslfactoryarg=x                        | false | true  | false | true
            sslfactoryarg=x                        | false | false | false | false
            socketFactoryArg=x                     | true  | false | false | true
            socketfactoryarg=x                     | false | true  | false | true
            sslcert=/tmp/c.pem                     | true  | false | false | true
            sslkey=/tmp/k.pk8                      | true  | false | false | true
            SslKey=/tmp/k.pk8                      | false | true  | false | true
            sslpassword=x                          | true  | false | false | true
            sslcert=/tmp/c.pem                     | false | false | true  | false
            sslrootcert=/tmp/ca.pem                | true  | false | false | true
            sslrootcert=/tmp/ca.pem                | false | false | true  | true
            SSLROOTCERT=/tmp/ca.pem                | false | false | true  | true
            sslrootcert=%2Ftmp%2Fca.pem            | true  | false | false | true
            sslrootcert=/tmp/ca.pem                | false | true  | false | false
            sslrootcert=/tmp/ca.pem                | false | false | false | false
            gssEncMode=require                     | true  | false | false | true
            gssencmode=PREFER                      | false | true  | false | true
            gssEncMode=allow                       | true  | false | false | false
            gssEncMode=disable                     | true  | false | false | false
            gssEncMode=require                     | false | false | true  | false
            sslmode=disable                        | true  | false | false | false
            sslNegotiation=direct                  | true  | true  | true  | false
            """)
    void tlsSettingsAreRefusedWhenTheRecordVerifiesOrIamForcesTls(String query, boolean verifies, boolean iam,
                                                                   boolean caFile, boolean refused) {
        ConnectionOptions options = options(query);
        if (refused) {
            assertThatThrownBy(() -> UntrustedProperties.checkTls(options.pgProperties(), verifies, iam, caFile,
                    "ssl_mode verify-full")).isInstanceOfSatisfying(SourceException.class, e -> {
                        assertThat(e.sqlState()).isEqualTo("0A000");
                        assertThat(e.getMessage()).contains("could weaken the TLS the record asks for",
                                "ssl_mode verify-full", "Remove it");
                    });
        } else {
            assertThatCode(() -> UntrustedProperties.checkTls(options.pgProperties(), verifies, iam, caFile, "x"))
                    .doesNotThrowAnyException();
        }
    }
}
