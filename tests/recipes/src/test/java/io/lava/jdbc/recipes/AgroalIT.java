package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.configuration.AgroalDataSourceConfiguration;
import io.agroal.api.configuration.supplier.AgroalPropertiesReader;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
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
 * {@code docs/pools.md} "Agroal": the snippet's properties through Agroal's own {@link AgroalPropertiesReader}
 * ({@code providerClassName} the driver, {@code jdbcUrl}, {@code jdbcProperties}), pooled by {@code agroal-pool}
 * with its default validator ({@code Connection.isValid}) on borrow.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class AgroalIT {
    private static final String REALM = "agroal";

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
    void dataSourceFromThePagesPropertiesValidatesOnBorrow() throws Exception {
        AgroalDataSourceConfiguration config = new AgroalPropertiesReader()
                .readProperties(Recipe.snippets("docs/pools.md", "## Agroal").get(0).atHarness(REALM, aws)
                        .properties()).get();
        AgroalConnectionFactoryConfiguration factory =
                config.connectionPoolConfiguration().connectionFactoryConfiguration();
        assertThat(factory.connectionProviderClass().getName()).isEqualTo("io.lava.jdbc.LavaPgDriver");
        assertThat(factory.principal()).isNull();
        assertThat(factory.credentials()).isEmpty();
        assertThat(config.connectionPoolConfiguration().maxSize()).isEqualTo(20);
        assertThat(config.connectionPoolConfiguration().validateOnBorrow()).isTrue();
        assertThat(config.connectionPoolConfiguration().exceptionSorter())
                .isInstanceOf(PostgreSQLExceptionSorter.class);
        try (AgroalDataSource pool = AgroalDataSource.from(config)) {
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
            assertThat(pool.getMetrics().toString()).doesNotContain(password);
        }
    }
}
