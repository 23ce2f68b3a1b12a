package io.lava.jdbc.it.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flyway end to end through {@code dataSource("jdbc:lava-pg:...", null, null)}: the plugin
 * ({@code io.lava.jdbc.flyway.LavaPgFlywayDatabaseType}) lets Flyway accept the URL, the driver resolves the lava
 * record, and Flyway's PostgreSQL support does the work, {@code COPY ... FROM STDIN} included. Each test has its own
 * realm and database.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class FlywayIT {
    private static final String PASSWORD = "flyway-Pa55-w0rd!";
    private static final String LOCATION = "classpath:io/lava/jdbc/flyway/migrations";
    private static final AtomicInteger REALMS = new AtomicInteger();

    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws SQLException {
        pg = postgres;
        aws = localAws;
        pg.createRole("migrator", PASSWORD);
    }

    /** A fresh realm and database, with record 'warehouse' for the database; returns the realm. */
    private static String realmWithWarehouse() throws SQLException {
        String realm = "fw" + REALMS.incrementAndGet();
        pg.createDatabase(realm + "_db", "migrator");
        LavaRealm.create(aws, pg, realm).postgres("warehouse", realm + "_db", "migrator", PASSWORD);
        return realm;
    }

    /** The URL a Flyway user would write, plus the local AWS endpoint in the query (Flyway passes no properties). */
    private static String url(String realm, String connId) {
        return "jdbc:lava-pg:" + realm + "/" + connId + "?awsRegion=us-east-1&awsEndpointUrl="
                + URLEncoder.encode(aws.endpoint(), StandardCharsets.UTF_8);
    }

    private static Flyway flyway(String url) {
        return Flyway.configure().dataSource(url, null, null).locations(LOCATION).load();
    }

    @Test
    void migratesThroughALavaPgUrlIncludingCopyFromStdin() throws SQLException {
        String realm = realmWithWarehouse();
        String url = url(realm, "warehouse");

        MigrateResult result = flyway(url).migrate();

        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isEqualTo(3);
        assertThat(result.targetSchemaVersion).isEqualTo("3");
        assertThat(result.database).isEqualTo(realm + "_db");
        assertThat(result.databaseType).isEqualTo("PostgreSQL");
        assertThat(Sql.rows(url, "select installed_rank, version, description, type, script, installed_by, success"
                + " from flyway_schema_history order by installed_rank")).containsExactly(
                "1|1|create country|SQL|V1__create_country.sql|migrator|t",
                "2|2|load countries|SQL|V2__load_countries.sql|migrator|t",
                "3|3|record session|SQL|V3__record_session.sql|migrator|t");
        assertThat(Sql.rows(url, "select code, name, population from country order by code")).containsExactly(
                "CH|Schweiz/Suisse/Svizzera/Svizra|8888093",
                "CI|Côte d'Ivoire|null",
                "NZ|New Zealand|5338500");
        // The credentials and the session name came from the lava record, not from Flyway.
        assertThat(Sql.rows(url, "select who, application_name from migration_session"))
                .containsExactly("migrator|lv-" + realm + "-warehouse");
    }

    @Test
    void infoAndValidateAfterMigrate() throws SQLException {
        String url = url(realmWithWarehouse(), "warehouse");
        flyway(url).migrate();

        Flyway again = flyway(url);
        MigrationInfoService info = again.info();
        assertThat(info.current().getVersion().getVersion()).isEqualTo("3");
        assertThat(info.pending()).isEmpty();
        assertThat(Arrays.stream(info.all()).map(MigrationInfo::getState)).containsOnly(MigrationState.SUCCESS);
        assertThat(info.all()).hasSize(3);

        ValidateResult validation = again.validateWithResult();
        assertThat(validation.validationSuccessful).isTrue();
        assertThat(validation.invalidMigrations).isEmpty();
        again.validate();
        assertThat(again.migrate().migrationsExecuted).isZero();
    }

    @Test
    void lavaErrorsReachTheFlywayUser() throws SQLException {
        String realm = realmWithWarehouse();

        assertThatThrownBy(() -> flyway(url(realm, "no-such-conn")).migrate())
                .isInstanceOf(FlywayException.class)
                .hasMessageContaining("08001")
                .hasMessageContaining("lava-pg realm '" + realm + "', conn_id 'no-such-conn'")
                .hasMessageContaining("no such connection")
                .hasMessageNotContaining(PASSWORD);
    }
}
