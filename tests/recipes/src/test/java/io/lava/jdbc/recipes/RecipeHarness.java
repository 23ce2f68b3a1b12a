package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/**
 * What every recipe test starts from: the harness's PostgreSQL and AWS, under the leak guard, and record
 * {@code warehouse} in a realm of the test class's own ({@link Recipe#warehouse}), named after it ({@code C3p0IT}:
 * realm {@code c3p0}). Recipe test classes run one after another, so the fields are set for the class that runs.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
abstract class RecipeHarness {
    static LocalPostgres pg;
    static LocalAws aws;
    /** The test class's realm. */
    static String realm;
    /** The password of role {@code <realm>_etl}, which no configuration of a recipe may show. */
    static String password;

    @BeforeAll
    static void setUpWarehouse(LocalPostgres postgres, LocalAws localAws, TestInfo test) throws SQLException {
        pg = postgres;
        aws = localAws;
        realm = test.getTestClass().orElseThrow().getSimpleName().replaceFirst("IT$", "").toLowerCase(Locale.ROOT);
        password = Recipe.warehouse(pg, aws, realm);
    }

    /**
     * What every pool recipe must do: a borrowed connection is pgjdbc's, as the record's user, with the recipe's
     * {@code ApplicationName}; after the server ends every session of that user, the next borrow is a new, working
     * session (the pool validated or replaced the dead one).
     */
    static void servesTheRecordsUserAndRecovers(DataSource pool, String applicationName) throws Exception {
        String pid;
        try (Connection c = pool.getConnection()) {
            assertThat(Recipe.query(c, "select current_user")).isEqualTo(Recipe.user(realm));
            assertThat(Recipe.query(c, "select current_setting('application_name')")).isEqualTo(applicationName);
            assertThat(c.unwrap(PGConnection.class)).isNotNull();
            pid = Recipe.query(c, "select pg_backend_pid()");
        }
        Recipe.terminateSessions(pg, Recipe.user(realm));
        try (Connection c = pool.getConnection()) {
            assertThat(Recipe.query(c, "select pg_backend_pid()")).as("a new session").isNotEqualTo(pid);
            assertThat(Recipe.query(c, "select current_user")).isEqualTo(Recipe.user(realm));
        }
    }
}
