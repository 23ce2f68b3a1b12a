package io.lava.jdbc.internal.pg;

import io.lava.jdbc.internal.record.ResolvedConnection;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.record.LavaType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PgDelegateTest {

    private static ResolvedConnection resolved(String host, String database) {
        return new ResolvedConnection("prod", "warehouse", LavaType.POSTGRES, host, 5432, database, "etl", "pw",
                ResolvedConnection.PasswordSource.SSM_PARAMETER, null, null);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            db.example.com | dw          | jdbc:postgresql://db.example.com:5432/dw
            10.0.0.1       | dw          | jdbc:postgresql://10.0.0.1:5432/dw
            ::1            | dw          | jdbc:postgresql://[::1]:5432/dw
            [::1]          | dw          | jdbc:postgresql://[::1]:5432/dw
            h              | my db?x=1   | jdbc:postgresql://h:5432/my+db%3Fx%3D1
            """)
    void pgjdbcUrlCarriesNoParameters(String host, String database, String url) {
        assertThat(PgDelegate.pgUrl(resolved(host, database))).isEqualTo(url);
    }

    /**
     * A {@code database} property written by someone who does not own the process cannot reach pgjdbc as anything but
     * a database name: not a parameter of pgjdbc's URL (TLS, user), not another host.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            x?sslmode=disable&user=postgres
            x/../postgres?ssl=false
            x#@evil.example.com:5432/y
            """)
    void aHostileDatabaseStaysADatabaseName(String hostile) {
        ConnectionRef ref = ConnectionRef.parse("jdbc:lava-pg:prod/warehouse", properties("database", hostile),
                k -> null);
        ConnectionOptions options = ConnectionOptions.of(ref, k -> null);
        String url = PgDelegate.pgUrl(resolved("db.example.com", "dw").withDatabase(options.database()));
        Properties parsed = org.postgresql.Driver.parseURL(url, new Properties());
        assertThat(parsed.getProperty("PGDBNAME")).isEqualTo(hostile);
        assertThat(parsed.getProperty("PGHOST")).isEqualTo("db.example.com");
        assertThat(parsed.stringPropertyNames()).containsExactlyInAnyOrder("PGDBNAME", "PGHOST", "PGPORT");
    }

    private static Properties properties(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    @Test
    void recordCredentialsWinAndOtherPropertiesPassThrough() {
        Properties info = new Properties();
        info.setProperty("user", "tool-user");
        info.setProperty("password", "tool-password");
        info.setProperty("connectTimeout", "3");
        info.setProperty("recordTtl", "10");
        ConnectionRef ref = ConnectionRef.parse("jdbc:lava-pg:prod/warehouse?sslmode=require", info, k -> null);
        ConnectionOptions options = ConnectionOptions.of(ref, k -> null);
        Properties pg = PgDelegate.pgProperties(options, resolved("h", "d"), k -> null);
        assertThat(pg).containsEntry("user", "etl").containsEntry("password", "pw")
                .containsEntry("connectTimeout", "3").containsEntry("sslmode", "require")
                .containsEntry("ApplicationName", "lv-prod-warehouse")
                .doesNotContainKey("recordTtl");
    }

    @Test
    void applicationNameUsesTheJobIdAndTheUsersChoiceWins() {
        ConnectionRef ref = ConnectionRef.parse("jdbc:lava-pg:prod/warehouse", null, k -> null);
        Properties pg = PgDelegate.pgProperties(ConnectionOptions.of(ref, k -> null), resolved("h", "d"),
                Map.of("LAVA_JOB_ID", "nightly-load")::get);
        assertThat(pg.getProperty("ApplicationName")).isEqualTo("lv-prod-nightly-load");

        ref = ConnectionRef.parse("jdbc:lava-pg:prod/warehouse?ApplicationName=mine", null, k -> null);
        pg = PgDelegate.pgProperties(ConnectionOptions.of(ref, k -> null), resolved("h", "d"), k -> null);
        assertThat(pg.getProperty("ApplicationName")).isEqualTo("mine");
    }

    /**
     * Rows: {@code LAVA_CONN_APP_NAME} ({@code -} for unset), {@code LAVA_JOB_ID} ({@code -} for unset), the name for
     * realm {@code prod}, conn_id {@code db/psql/local}.
     */
    @Test
    void theToolsApplicationNameWinsOverTheTemplate() {
        ConnectionRef ref = ConnectionRef.parse("jdbc:lava-pg:prod/warehouse?ApplicationName=mine", null, k -> null);
        Properties pg = PgDelegate.pgProperties(ConnectionOptions.of(ref, k -> null), resolved("h", "d"),
                Map.of("LAVA_CONN_APP_NAME", "tmpl-{{realm}}", "LAVA_JOB_ID", "j")::get);
        assertThat(pg.getProperty("ApplicationName")).isEqualTo("mine");
        ref = ConnectionRef.parse("jdbc:lava-pg:prod/warehouse", null, k -> null);
        pg = PgDelegate.pgProperties(ConnectionOptions.of(ref, k -> null), resolved("h", "d"),
                Map.of("LAVA_CONN_APP_NAME", "tmpl-{{realm}}-{{conn_id}}")::get);
        assertThat(pg.getProperty("ApplicationName")).isEqualTo("tmpl-prod-warehouse");
    }
}
