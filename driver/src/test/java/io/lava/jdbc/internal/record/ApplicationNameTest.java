package io.lava.jdbc.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApplicationNameTest {

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
        assertThat(ApplicationName.of("prod", "db/psql/local", env::get)).isEqualTo(expected);
    }

    @Test
    void quotesAndBackslashesAreStripped() {
        Map<String, String> env = Map.of("LAVA_JOB_ID", "it's \\\"the\" job", "LAVA_CONN_APP_NAME", "'{{ job_id }}'");
        assertThat(ApplicationName.of("prod", "w", env::get)).isEqualTo("its the job");
        assertThat(ApplicationName.of("pr", "o'k\\", k -> null)).isEqualTo("lv-pr-ok");
    }

    @Test
    void applicationNameIsCutTo63BytesOnACharacterBoundary() {
        assertThat(ApplicationName.of("prod", "w", Map.of("LAVA_JOB_ID", "j".repeat(100))::get))
                .hasSize(63).startsWith("lv-prod-jjj");
        String cut = ApplicationName.of("prod", "é".repeat(40), k -> null);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(cut).startsWith("lv-prod-é").doesNotContain("\uFFFD");
        String emoji = ApplicationName.of("p", "w", Map.of("LAVA_CONN_APP_NAME", "\uD83D\uDE00".repeat(20))::get);
        assertThat(emoji).isEqualTo("\uD83D\uDE00".repeat(15));
        assertThat(ApplicationName.of("p", "c", k -> null)).isEqualTo("lv-p-c");
    }
}
