package io.lava.jdbc.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.LavaPgDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.core.PostgresDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which URLs the Liquibase extension names the driver for, and that Liquibase finds it; no database needed. */
class LavaPgDatabaseTest {
    private final LavaPgDatabase type = new LavaPgDatabase();

    @ParameterizedTest
    @CsvSource({
        "jdbc:lava-pg:prod/warehouse, true",
        "jdbc:lava-pg://prod/warehouse?sslmode=verify-full, true",
        "jdbc:lava-pg:warehouse, true",
        "jdbc:lava-pg:, true",
        "jdbc:postgresql://db:5432/dw, false",
        "jdbc:p6spy:lava-pg:prod/warehouse, false",
        "JDBC:LAVA-PG:prod/warehouse, false",
        "jdbc:lava:prod/warehouse, false",
        "lava-pg:prod/warehouse, false",
        "'', false",
    })
    void namesTheDriverOnlyForLavaPgUrls(String url, boolean claimed) {
        assertThat(type.getDefaultDriver(url)).isEqualTo(claimed ? LavaPgDriver.class.getName() : null);
        assertThat(new LavaPgDriver().acceptsURL(url)).as("the driver agrees").isEqualTo(claimed);
    }

    @Test
    void claimsNoNullUrlAndNoConnection() {
        assertThat(type.getDefaultDriver(null)).isNull();
        assertThat(type.isCorrectDatabaseImplementation(null)).isFalse();
        assertThat(type.getShortName()).isEqualTo("lava-pg");
    }

    @Test
    void liquibaseFindsItThroughTheServiceFileAndKeepsItsPostgresql() {
        DatabaseFactory factory = DatabaseFactory.getInstance();
        assertThat(factory.findDefaultDriver("jdbc:lava-pg:prod/warehouse")).isEqualTo(LavaPgDriver.class.getName());
        assertThat(factory.findDefaultDriver("jdbc:postgresql://db/dw")).isEqualTo("org.postgresql.Driver");
        assertThat(factory.getImplementedDatabases()).filteredOn(LavaPgDatabase.class::isInstance).hasSize(1);
        Database postgresql = factory.getDatabase("postgresql");
        assertThat(postgresql.getClass()).isEqualTo(PostgresDatabase.class);
    }

    /** The driver must load without Liquibase: only this package may refer to it. */
    @Test
    void noOtherDriverClassRefersToLiquibase() throws URISyntaxException, IOException {
        Path classes = Path.of(LavaPgDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(classes)) {
            List<String> offenders = files
                    .filter(f -> f.toString().endsWith(".class"))
                    .filter(f -> !classes.relativize(f).toString().replace('\\', '/')
                            .startsWith("io/lava/jdbc/liquibase/"))
                    .filter(f -> read(f).contains("liquibase/"))
                    .map(f -> classes.relativize(f).toString())
                    .toList();
            assertThat(offenders).isEmpty();
        }
        assertThat(Files.readString(classes.resolve("META-INF/services/liquibase.database.Database")).trim())
                .isEqualTo(LavaPgDatabase.class.getName());
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
