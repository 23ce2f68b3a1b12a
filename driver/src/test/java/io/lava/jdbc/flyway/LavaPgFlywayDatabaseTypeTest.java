package io.lava.jdbc.flyway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.LavaPgDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.internal.database.DatabaseType;
import org.flywaydb.core.internal.database.DatabaseTypeRegister;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which URLs the Flyway plugin claims, and that Flyway finds it; no database needed. */
class LavaPgFlywayDatabaseTypeTest {
    private final LavaPgFlywayDatabaseType type = new LavaPgFlywayDatabaseType();

    @ParameterizedTest
    @CsvSource({
        "jdbc:lava-pg:prod/warehouse, true",
        "jdbc:lava-pg://prod/warehouse?sslmode=verify-full, true",
        "jdbc:lava-pg:warehouse, true",
        "jdbc:lava-pg:, true",
        "jdbc:postgresql://db:5432/dw, false",
        "jdbc:tc:postgresql:15:///dw, false",
        "jdbc:p6spy:lava-pg:prod/warehouse, false",
        "JDBC:LAVA-PG:prod/warehouse, false",
        "jdbc:lava:prod/warehouse, false",
        "lava-pg:prod/warehouse, false",
        "'', false",
    })
    void claimsOnlyLavaPgUrls(String url, boolean claimed) {
        assertThat(type.handlesJDBCUrl(url)).isEqualTo(claimed);
        assertThat(new LavaPgDriver().acceptsURL(url)).as("the driver agrees").isEqualTo(claimed);
    }

    @Test
    void claimsNoNullUrlAndNoConnection() {
        assertThat(type.handlesJDBCUrl(null)).isFalse();
        assertThat(type.handlesDatabaseProductNameAndVersion("PostgreSQL", "17.5", null)).isFalse();
    }

    @Test
    void namesTheDriverAndDefersEverythingElse() {
        String url = "jdbc:lava-pg:prod/warehouse";
        assertThat(type.getDriverClass(url, getClass().getClassLoader())).isEqualTo(LavaPgDriver.class.getName());
        assertThat(type.instantiateClassExtendedErrorMessage()).contains("drivers/");
        assertThatThrownBy(() -> type.createDatabase(null, null, null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> type.createParser(null, null, null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void flywayFindsItThroughTheServiceFile() {
        assertThat(DatabaseTypeRegister.getDatabaseTypesForUrl("jdbc:lava-pg:prod/warehouse", null))
                .singleElement().isInstanceOf(LavaPgFlywayDatabaseType.class);
        List<DatabaseType> postgres = DatabaseTypeRegister.getDatabaseTypesForUrl("jdbc:postgresql://db/dw", null);
        assertThat(postgres).isNotEmpty().noneMatch(LavaPgFlywayDatabaseType.class::isInstance);
    }

    /** The driver must load without Flyway: only this package may refer to it. */
    @Test
    void noOtherDriverClassRefersToFlyway() throws URISyntaxException, IOException {
        Path classes = Path.of(LavaPgDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(classes)) {
            List<String> offenders = files
                    .filter(f -> f.toString().endsWith(".class"))
                    .filter(f -> !classes.relativize(f).toString().replace('\\', '/').startsWith("io/lava/jdbc/flyway/"))
                    .filter(f -> read(f).contains("org/flywaydb/"))
                    .map(f -> classes.relativize(f).toString())
                    .toList();
            assertThat(offenders).isEmpty();
        }
        assertThat(Files.readString(classes.resolve("META-INF/services/org.flywaydb.core.extensibility.Plugin")).trim())
                .isEqualTo(LavaPgFlywayDatabaseType.class.getName());
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
