package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.sql.Connection;
import java.util.Properties;
import org.apache.tomcat.jdbc.pool.DataSource;
import org.apache.tomcat.jdbc.pool.DataSourceFactory;
import org.apache.tomcat.jdbc.pool.PoolConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/**
 * {@code docs/pools.md} "Tomcat JDBC pool": the snippet's properties through the pool's own parser
 * ({@link DataSourceFactory#parsePoolProperties}, the one that reads a {@code <Resource>}'s attributes), then the
 * pool's validation on borrow ({@code Connection.isValid}, no {@code validationQuery}).
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class TomcatJdbcPoolIT {
    private static final String REALM = "tomcatpool";

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
    void poolFromThePagesPropertiesValidatesWithIsValid() throws Exception {
        Properties properties = Recipe.snippets("docs/pools.md", "## Tomcat JDBC pool").get(0).atHarness(REALM, aws)
                .properties();
        PoolConfiguration config = DataSourceFactory.parsePoolProperties(properties);
        assertThat(config.getDriverClassName()).isEqualTo("io.lava.jdbc.LavaPgDriver");
        assertThat(config.getValidationQuery()).as("the pool validates with Connection.isValid").isNull();
        assertThat(config.isTestOnBorrow()).isTrue();
        assertThat(config.getUsername()).isNull();
        assertThat(config.getPassword()).isNull();
        // validationInterval (3 s by default) skips the check for a connection validated that recently
        config.setValidationInterval(0);
        DataSource pool = new DataSource(config);
        try {
            assertThat(pool.getMaxActive()).isEqualTo(20);
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
            assertThat(pool.getSize()).as("initialSize 10 by default").isBetween(1, 20);
            assertThat(config.toString()).doesNotContain(password);
        } finally {
            pool.close(true);
        }
    }
}
