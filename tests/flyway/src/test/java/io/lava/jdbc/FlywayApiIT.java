package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Flyway's API at the module's version: {@code dataSource("jdbc:lava-pg:...", null, null)}, migrate, info. */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class FlywayApiIT {
    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws SQLException {
        pg = postgres;
        aws = localAws;
        FlywayMatrix.createRole(pg);
    }

    @Test
    void theModulesFlywayVersionIsOnTheClassPath() {
        assertThat(FlywayMatrix.expectedVersion()).isNotBlank();
        assertThat(FlywayMatrix.flywayCoreVersion()).isEqualTo(FlywayMatrix.expectedVersion());
    }

    @Test
    void migratesThroughALavaPgUrl() throws SQLException {
        String realm = FlywayMatrix.realmWithWarehouse(pg, aws, "fwapi");
        String url = FlywayMatrix.url(aws, realm);

        MigrateResult result = Flyway.configure().dataSource(url, null, null)
                .locations("classpath:" + FlywayMatrix.MIGRATIONS).load().migrate();

        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isEqualTo(3);
        assertThat(result.databaseType).isEqualTo("PostgreSQL");
        assertThat(result.flywayVersion).isEqualTo(FlywayMatrix.expectedVersion());
        FlywayMatrix.assertMigrated(url, realm);

        Flyway again = Flyway.configure().dataSource(url, null, null)
                .locations("classpath:" + FlywayMatrix.MIGRATIONS).load();
        assertThat(again.info().current().getVersion().getVersion()).isEqualTo("3");
        assertThat(again.info().pending()).isEmpty();
        assertThat(again.migrate().migrationsExecuted).isZero();
    }
}
