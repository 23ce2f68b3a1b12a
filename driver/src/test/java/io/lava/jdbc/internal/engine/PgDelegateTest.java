package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.sources.LavaType;
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
    @ParameterizedTest(name = "template {0}, job {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -                                  | -            | lv-prod-db/psql/local
            -                                  | nightly-load | lv-prod-nightly-load
            -                                  | '  '         | lv-prod-db/psql/local
            '   '                              | nightly-load | lv-prod-nightly-load
            app-{{realm}}-{{conn_id}}          | -            | app-prod-db/psql/local
            'app {{ realm }} {{  job_id }}'    | j1           | app prod j1
            'x-{{job_id}}'                     | -            | x-
            '{{job_id}}'                       | -            | lv-prod-db/psql/local
            '{{ unknown }}-{{realm}}'          | j1           | -prod
            '{realm}-{{ realm'                 | j1           | {realm}-{{ realm
            'a-{{ job_id }}'                   | 'x$1\\y'      | a-x$1y
            """)
    void applicationNameFollowsLavasTemplate(String template, String jobId, String expected) {
        Map<String, String> env = new HashMap<>();
        env.put("LAVA_CONN_APP_NAME", template);
        env.put("LAVA_JOB_ID", jobId);
        assertThat(PgDelegate.applicationName("prod", "db/psql/local", env::get)).isEqualTo(expected);
    }

    @Test
    void quotesAndBackslashesAreStripped() {
        Map<String, String> env = Map.of("LAVA_JOB_ID", "it's \\\"the\" job", "LAVA_CONN_APP_NAME", "'{{ job_id }}'");
        assertThat(PgDelegate.applicationName("prod", "w", env::get)).isEqualTo("its the job");
        assertThat(PgDelegate.applicationName("pr", "o'k\\", k -> null)).isEqualTo("lv-pr-ok");
    }

    @Test
    void applicationNameIsCutTo63BytesOnACharacterBoundary() {
        assertThat(PgDelegate.applicationName("prod", "w", Map.of("LAVA_JOB_ID", "j".repeat(100))::get))
                .hasSize(63).startsWith("lv-prod-jjj");
        String cut = PgDelegate.applicationName("prod", "é".repeat(40), k -> null);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(cut).startsWith("lv-prod-é").doesNotContain("\uFFFD");
        String emoji = PgDelegate.applicationName("p", "w", Map.of("LAVA_CONN_APP_NAME", "\uD83D\uDE00".repeat(20))::get);
        assertThat(emoji).isEqualTo("\uD83D\uDE00".repeat(15));
        assertThat(PgDelegate.applicationName("p", "c", k -> null)).isEqualTo("lv-p-c");
    }

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
