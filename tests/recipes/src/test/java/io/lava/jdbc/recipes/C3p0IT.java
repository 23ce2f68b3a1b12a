package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.mchange.v2.c3p0.ComboPooledDataSource;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.sql.Connection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/**
 * {@code docs/pools.md} "c3p0": {@link ComboPooledDataSource} with {@code driverClass} and {@code jdbcUrl}, as the
 * snippet sets them (the test checks the page holds these calls), and c3p0's check on checkout
 * ({@code Connection.isValid}).
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class C3p0IT {
    private static final String REALM = "cthreepo";

    private static LocalPostgres pg;
    private static LocalAws aws;
    private static String password;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        password = Recipe.warehouse(pg, aws, REALM);
    }

    @Test
    void comboPooledDataSourceWithDriverClassAndJdbcUrl() throws Exception {
        String snippet = Recipe.snippets("docs/pools.md", "## c3p0").get(0).text();
        assertThat(snippet).contains("ComboPooledDataSource pool = new ComboPooledDataSource();",
                "pool.setDriverClass(\"io.lava.jdbc.LavaPgDriver\");",
                "pool.setJdbcUrl(\"" + Recipe.DOCS_URL + "?awsRegion=" + Recipe.DOCS_REGION
                        + "&ApplicationName=reports\");",
                "pool.setMaxPoolSize(20);", "pool.setTestConnectionOnCheckout(true);");

        ComboPooledDataSource pool = new ComboPooledDataSource();
        try {
            pool.setDriverClass("io.lava.jdbc.LavaPgDriver");
            pool.setJdbcUrl(Recipe.url(REALM, aws, "&awsRegion=us-east-1&ApplicationName=reports"));
            pool.setMaxPoolSize(20);
            pool.setTestConnectionOnCheckout(true);
            assertThat(pool.getPreferredTestQuery()).as("c3p0 validates with Connection.isValid").isNull();
            assertThat(pool.getUser()).isNull();
            assertThat(pool.getPassword()).isNull();
            String pid;
            try (Connection c = pool.getConnection()) {
                assertThat(Recipe.query(c, "select current_user")).isEqualTo(Recipe.user(REALM));
                assertThat(Recipe.query(c, "select current_setting('application_name')")).isEqualTo("reports");
                assertThat(c.unwrap(PGConnection.class)).isNotNull();
                pid = Recipe.query(c, "select pg_backend_pid()");
            }
            Recipe.terminateSessions(pg, Recipe.user(REALM));
            try (Connection c = pool.getConnection()) {
                assertThat(Recipe.query(c, "select pg_backend_pid()")).as("a new session").isNotEqualTo(pid);
                assertThat(Recipe.query(c, "select current_user")).isEqualTo(Recipe.user(REALM));
            }
            assertThat(pool.toString()).doesNotContain(password);
        } finally {
            pool.close();
        }
    }
}
