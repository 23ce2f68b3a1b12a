package io.lava.jdbc.internal.pg;

import io.lava.jdbc.internal.record.ResolvedConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.record.ResolvedConnection.PasswordSource;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.SslMode;
import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.internal.record.LavaType;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** lava's SSL fields, the user's sslmode, and TLS forced for IAM tokens. */
class TlsPolicyTest {

    private static Properties effective(SslMode recordMode, String caFile, String query, PasswordSource source) {
        ConnectionRef ref = ConnectionRef.parse("jdbc:lava-pg:prod/c" + (query == null ? "" : "?" + query), null,
                k -> null);
        ConnectionOptions options = ConnectionOptions.of(ref, k -> null);
        ResolvedConnection resolved = new ResolvedConnection("prod", "c", LavaType.POSTGRES_AURORA, "h", 5432, "d",
                "u", "pw", source, recordMode, caFile);
        return PgDelegate.pgProperties(options, resolved, k -> null);
    }

    @ParameterizedTest(name = "record {0}, user {1}, {2} → {3}")
    @CsvSource(nullValues = "-", textBlock = """
            -,            -,                       SSM_PARAMETER, -
            -,            sslmode=disable,         SSM_PARAMETER, disable
            REQUIRE,      -,                       SSM_PARAMETER, require
            REQUIRE,      sslmode=disable,         SSM_PARAMETER, require
            REQUIRE,      sslmode=verify-full,     SSM_PARAMETER, verify-full
            VERIFY_FULL,  sslmode=require,         SSM_PARAMETER, verify-full
            VERIFY_CA,    sslmode=prefer,          SECRET,        verify-ca
            -,            ssl=true,                SECRET,        verify-full
            -,            ssl=false,               SECRET,        -
            -,            -,                       IAM_TOKEN,     require
            -,            sslmode=disable,         IAM_TOKEN,     require
            -,            sslmode=allow,           IAM_TOKEN,     require
            -,            sslmode=prefer,          IAM_TOKEN,     require
            -,            ssl=false,               IAM_TOKEN,     require
            -,            sslmode=verify-ca,       IAM_TOKEN,     verify-ca
            VERIFY_FULL,  sslmode=disable,         IAM_TOKEN,     verify-full
            -,            sslmode=VERIFY-FULL,     IAM_TOKEN,     verify-full
            """)
    void effectiveSslMode(SslMode recordMode, String query, PasswordSource source, String expected) {
        assertThat(effective(recordMode, null, query, source).getProperty("sslmode")).isEqualTo(expected);
    }

    @Test
    void recordCaBecomesSslRootCertUnlessTheUserSetOne() {
        assertThat(effective(SslMode.VERIFY_FULL, "/etc/ssl/rds.pem", null, PasswordSource.SECRET))
                .containsEntry("sslrootcert", "/etc/ssl/rds.pem");
        assertThat(effective(SslMode.VERIFY_FULL, "/etc/ssl/rds.pem", "sslrootcert=/mine.pem", PasswordSource.SECRET))
                .containsEntry("sslrootcert", "/mine.pem");
    }

    @ParameterizedTest(name = "record {0}, CA {1}, user {2} → sslfactory {3}")
    @CsvSource(nullValues = "-", textBlock = """
            VERIFY_FULL, -,                -,                                  org.postgresql.ssl.DefaultJavaSSLFactory
            VERIFY_CA,   -,                -,                                  org.postgresql.ssl.DefaultJavaSSLFactory
            -,           -,                sslmode=verify-full,                org.postgresql.ssl.DefaultJavaSSLFactory
            VERIFY_FULL, /etc/ssl/rds.pem, -,                                  -
            VERIFY_FULL, -,                sslrootcert=/mine.pem,              -
            VERIFY_FULL, -,                sslfactory=org.postgresql.ssl.LibPQFactory, org.postgresql.ssl.LibPQFactory
            REQUIRE,     -,                -,                                  -
            -,           -,                -,                                  -
            """)
    void verifyWithoutACaFileTrustsTheJvmTrustStore(SslMode recordMode, String caFile, String query,
                                                   String expected) {
        assertThat(effective(recordMode, caFile, query, PasswordSource.SECRET).getProperty("sslfactory"))
                .isEqualTo(expected);
    }

    @Test
    void unknownUserSslModeIsRefused() {
        assertThatThrownBy(() -> effective(null, null, "sslmode=sometimes", PasswordSource.SECRET))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("sslmode='sometimes'")
                .hasMessageContaining("disable, allow, prefer, require, verify-ca, verify-full");
    }

    private static Map<String, Object> record(String field, Object value) {
        Map<String, Object> m = new HashMap<>();
        m.put("type", "postgres");
        m.put("enabled", true);
        m.put("host", "h");
        m.put("port", new BigDecimal(5432));
        m.put(field, value);
        return m;
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            ssl_mode, require,     REQUIRE
            ssl_mode, verify-ca,   VERIFY_CA
            ssl_mode, verify-full, VERIFY_FULL
            ssl,      true,        REQUIRE
            """)
    void lavaSslFields(String field, String value, SslMode expected) {
        Object v = field.equals("ssl") ? (Object) Boolean.valueOf(value) : value;
        assertThat(ConnectionRecord.of("c", record(field, v)).sslMode()).isEqualTo(expected);
    }

    @Test
    void legacySslFalseAndNoFieldMeanTheClientDefault() {
        assertThat(ConnectionRecord.of("c", record("ssl", false)).sslMode()).isNull();
        assertThat(ConnectionRecord.of("c", record("description", "x")).sslMode()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"disable", "prefer", "allow", "on", "REQUIRED", ""})
    void otherSslModesAreRefusedListingTheAllowedValues(String mode) {
        if (mode.isEmpty()) {
            assertThat(ConnectionRecord.of("c", record("ssl_mode", mode)).sslMode()).isNull();
            return;
        }
        assertThatThrownBy(() -> ConnectionRecord.of("c", record("ssl_mode", mode)))
                .hasMessageContaining("field 'ssl_mode' is '" + mode + "'; allowed values: require, verify-ca, "
                        + "verify-full");
    }

    @Test
    void caFileAndItsDeprecatedAlias() {
        assertThat(ConnectionRecord.of("c", record("ssl_ca_file", "/a.pem")).sslCaFile()).isEqualTo("/a.pem");
        assertThat(ConnectionRecord.of("c", record("ca_cert", "/b.pem")).sslCaFile()).isEqualTo("/b.pem");
    }

    @Test
    void s3CaBundlesAreKeptForTheResolverToFetch() {
        assertThat(ConnectionRecord.of("c", record("ssl_ca_file", "s3://bucket/rds.pem")).sslCaFile())
                .isEqualTo("s3://bucket/rds.pem");
    }

    @Test
    void httpsCaBundlesAreKeptForTheResolverToFetch() {
        assertThat(ConnectionRecord.of("c", record("ca_cert", "https://example.com/rds.pem")).sslCaFile())
                .isEqualTo("https://example.com/rds.pem");
    }

    @Test
    void plainHttpCaBundlesAreRefused() {
        assertThatThrownBy(() -> ConnectionRecord.of("c", record("ssl_ca_file", "HTTP://example.com/rds.pem")))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("could be swapped")
                .hasMessageContaining("https://")
                .satisfies(e -> assertThat(((SourceException) e).sqlState()).isEqualTo("08001"));
    }
}
