package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway's command line at the module's version ({@code org.flywaydb.commandline.Main}) in a JVM of its own, with the
 * class path of Flyway's distribution, {@code lib/*:drivers/*}, the {@code -all} jar in {@code drivers/}
 * (target/flyway, assembled by the module's build), and nothing but {@code -url=jdbc:lava-pg:...}.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class FlywayCommandLineIT {
    private static LocalPostgres pg;
    private static LocalAws aws;

    @TempDir
    static Path home;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws SQLException {
        assumeTrue(Boolean.parseBoolean(System.getProperty("flyway.cli.enabled")),
                "Flyway " + FlywayMatrix.expectedVersion() + ": its command line does not resolve from Maven Central");
        pg = postgres;
        aws = localAws;
        FlywayMatrix.createRole(pg);
    }

    private static Path flywayHome() {
        return Path.of(System.getProperty("flyway.home"));
    }

    /** Runs {@code flyway args} as Flyway's launcher does, in a clean environment; at most two minutes. */
    private static Run flyway(String... args) {
        Path flyway = flywayHome();
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Duser.home=" + home, "-cp",
                flyway.resolve("lib") + File.separator + "*" + File.pathSeparator
                        + flyway.resolve("drivers") + File.separator + "*",
                "org.flywaydb.commandline.Main"));
        command.addAll(List.of(args));
        Map<String, String> env = ChildJvm.cleanEnvironment(home);
        env.put("REDGATE_DISABLE_TELEMETRY", "true");
        Run run = ChildJvm.run(command, env, Duration.ofMinutes(2));
        assertThat(run.all()).doesNotContain(FlywayMatrix.PASSWORD, "lava-test-secret-key");
        return run;
    }

    @Test
    void theDistributionHasTheModulesVersionAndTheAllJarInDrivers() throws IOException {
        try (Stream<Path> lib = Files.list(flywayHome().resolve("lib"));
                Stream<Path> drivers = Files.list(flywayHome().resolve("drivers"))) {
            assertThat(lib.map(p -> p.getFileName().toString())).contains(
                    "flyway-commandline-" + FlywayMatrix.expectedVersion() + ".jar",
                    "flyway-core-" + FlywayMatrix.expectedVersion() + ".jar",
                    "flyway-database-postgresql-" + FlywayMatrix.expectedVersion() + ".jar")
                    .noneMatch(name -> name.startsWith("lava-pg-jdbc") || name.startsWith("postgresql-"));
            assertThat(drivers.map(p -> p.getFileName().toString())).singleElement()
                    .satisfies(name -> assertThat(name).startsWith("lava-pg-jdbc-").endsWith("-all.jar"));
        }
    }

    @Test
    void migrateAndInfoOnTheCommandLine() throws Exception {
        String realm = FlywayMatrix.realmWithWarehouse(pg, aws, "fwcli");
        String url = FlywayMatrix.url(aws, realm);
        String locations = "-locations=filesystem:" + FlywayMatrix.migrationsIn(home.resolve(realm + "-sql"));

        Run migrate = flyway("-url=" + url, locations, "migrate");

        assertThat(migrate.exitCode()).as(migrate.all()).isZero();
        assertThat(migrate.out()).contains("Flyway", FlywayMatrix.expectedVersion())
                .contains("Successfully applied 3 migrations");
        FlywayMatrix.assertMigrated(url, realm);

        Run info = flyway("-url=" + url, locations, "info");
        assertThat(info.exitCode()).as(info.all()).isZero();
        assertThat(info.out()).contains("Schema version: 3").contains("record session");
    }
}
