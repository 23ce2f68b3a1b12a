package io.lava.jdbc.internal.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.record.LavaType;
import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.record.ResolvedConnection.PasswordSource;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.SslMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A URL never weakens the record's TLS: the refusal comes before pgjdbc is called, so no password leaves. */
class TlsWeakeningTest {
    private final List<Properties> sent = new ArrayList<>();
    private final org.postgresql.Driver pgjdbc = new org.postgresql.Driver() {
        @Override
        public Connection connect(String url, Properties info) throws SQLException {
            sent.add(info);
            throw new SQLException("not connecting in a unit test", "08001");
        }
    };

    @ParameterizedTest(name = "record {0}/{1}/ca={2}: {3} → {4}")
    @CsvSource(nullValues = "-", delimiter = '|', textBlock = """
            VERIFY_FULL | SSM_PARAMETER | -           | sslrootcert=/tmp/mine.pem      | 0A000
            VERIFY_CA   | SECRET        | -           | sslcert=/tmp/c.pem             | 0A000
            VERIFY_FULL | SSM_PARAMETER | /etc/ca.pem | sslkey=/tmp/k.pk8              | 0A000
            VERIFY_FULL | SSM_PARAMETER | -           | sslpassword=x                  | 0A000
            VERIFY_FULL | SSM_PARAMETER | -           | sslfactoryarg=x                | 0A000
            VERIFY_FULL | SSM_PARAMETER | -           | socketFactoryArg=x             | 0A000
            VERIFY_FULL | SSM_PARAMETER | -           | gssEncMode=require             | 0A000
            -           | IAM_TOKEN     | -           | sslcert=/tmp/c.pem             | 0A000
            REQUIRE     | SSM_PARAMETER | /etc/ca.pem | sslrootcert=/tmp/mine.pem      | 0A000
            REQUIRE     | SSM_PARAMETER | /etc/ca.pem | SSLROOTCERT=/tmp/mine.pem      | 0A000
            VERIFY_FULL | SSM_PARAMETER | -           | sslmode=disable                | 08001
            VERIFY_FULL | SSM_PARAMETER | /etc/ca.pem | sslfactory=org.postgresql.ssl.LibPQFactory | 08001
            REQUIRE     | SSM_PARAMETER | -           | sslrootcert=/tmp/mine.pem      | 08001
            -           | SSM_PARAMETER | -           | sslcert=/tmp/c.pem             | 08001
            """)
    void refusedBeforePgjdbcIsCalled(SslMode mode, PasswordSource source, String caFile, String query,
                                     String state) {
        ConnectionOptions options = ConnectionOptions.of(ConnectionRef.parse("jdbc:lava-pg:prod/c?" + query, null,
                k -> null), k -> null);
        ResolvedConnection resolved = new ResolvedConnection("prod", "c", LavaType.POSTGRES_AURORA, "h", 5432, "d",
                "u", "pw-never-sent", source, mode, caFile);
        assertThatThrownBy(() -> PgDelegate.connect(pgjdbc, options, resolved, k -> null))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo(state);
                    if (state.equals("0A000")) {
                        assertThat(e.getMessage()).startsWith("lava-pg realm 'prod', conn_id 'c': connect: property '")
                                .contains("could weaken the TLS", "Remove it");
                        assertThat(sent).as("pgjdbc never called").isEmpty();
                    } else {
                        assertThat(sent).hasSize(1);
                    }
                });
    }
}
