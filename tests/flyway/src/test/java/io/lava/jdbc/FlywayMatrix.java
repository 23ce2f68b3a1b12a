package io.lava.jdbc;

import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the Flyway matrix tests share: the version under test (system property {@code flyway.matrix.version}, set by
 * each module), a fresh realm and database per test, the URL a Flyway user writes, and queries through the driver.
 * The migrations are the Flyway test migrations of the testkit ({@code io/lava/jdbc/flyway/migrations}), the driver's too:
 * a table, {@code COPY ... FROM STDIN}, and the session's {@code current_user} and {@code application_name}.
 */
final class FlywayMatrix {
    static final String PASSWORD = "flyway-matrix-Pa55-w0rd!";
    static final String ROLE = "fw_matrix";
    static final String MIGRATIONS = "io/lava/jdbc/flyway/migrations";
    static final List<String> SCRIPTS = List.of("V1__create_country.sql", "V2__load_countries.sql",
            "V3__record_session.sql");
    private static final AtomicInteger REALMS = new AtomicInteger();

    private FlywayMatrix() {
    }

    /** @return the Flyway version this module tests, e.g. {@code 11.20.3} */
    static String expectedVersion() {
        return System.getProperty("flyway.matrix.version");
    }

    /** @return the version of the flyway-core on the class path, from its Maven metadata */
    static String flywayCoreVersion() {
        try (InputStream in = org.flywaydb.core.Flyway.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.flywaydb/flyway-core/pom.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void createRole(LocalPostgres pg) throws SQLException {
        pg.createRole(ROLE, PASSWORD);
    }

    /** A fresh realm and database, with record 'warehouse' for the database; returns the realm. */
    static String realmWithWarehouse(LocalPostgres pg, LocalAws aws, String prefix) throws SQLException {
        String realm = prefix + REALMS.incrementAndGet();
        pg.createDatabase(realm + "_db", ROLE);
        LavaRealm.create(aws, pg, realm).postgres("warehouse", realm + "_db", ROLE, PASSWORD);
        return realm;
    }

    /** The URL a Flyway user would write, plus the local AWS endpoint in the query. */
    static String url(LocalAws aws, String realm) {
        return "jdbc:lava-pg:" + realm + "/warehouse?awsRegion=us-east-1&awsEndpointUrl="
                + URLEncoder.encode(aws.endpoint(), StandardCharsets.UTF_8);
    }

    /** Copies the migrations into {@code dir}, for {@code -locations=filesystem:dir}. */
    static Path migrationsIn(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String script : SCRIPTS) {
            try (InputStream in = FlywayMatrix.class.getClassLoader().getResourceAsStream(MIGRATIONS + "/" + script)) {
                Files.copy(in, dir.resolve(script));
            }
        }
        return dir;
    }

    /** The rows every migrated database has: history, the copied data, and who ran the migrations. */
    static void assertMigrated(String url, String realm) throws SQLException {
        org.assertj.core.api.Assertions.assertThat(Sql.rows(url,
                "select version, script, installed_by, success from flyway_schema_history order by installed_rank"))
                .containsExactly("1|V1__create_country.sql|" + ROLE + "|t", "2|V2__load_countries.sql|" + ROLE + "|t",
                        "3|V3__record_session.sql|" + ROLE + "|t");
        org.assertj.core.api.Assertions.assertThat(Sql.rows(url, "select code, population from country order by code"))
                .containsExactly("CH|8888093", "CI|null", "NZ|5338500");
        org.assertj.core.api.Assertions.assertThat(Sql.rows(url, "select who, application_name from migration_session"))
                .containsExactly(ROLE + "|lv-" + realm + "-warehouse");
    }
}
