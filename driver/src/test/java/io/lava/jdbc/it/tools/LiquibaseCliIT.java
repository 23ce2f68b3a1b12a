package io.lava.jdbc.it.tools;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.it.packaging.ShadedJarIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liquibase's command line ({@code liquibase.integration.commandline.LiquibaseCommandLine}) in a JVM of its own, with
 * the class path of a Liquibase installation whose {@code lib/} holds the {@code -all} jar: liquibase-core and its
 * dependencies (target/liquibase.classpath), picocli, and the drop-in jar. No {@code --driver}, no user, no password:
 * only {@code --url=jdbc:lava-pg:...}, on the command line or in a {@code liquibase.properties}.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class LiquibaseCliIT {
    private static final String PASSWORD = "liquibase-cli-Pa55-w0rd!";
    private static final AtomicInteger REALMS = new AtomicInteger();

    private static LocalPostgres pg;
    private static LocalAws aws;

    @TempDir
    static Path home;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws SQLException, IOException {
        pg = postgres;
        aws = localAws;
        pg.createRole("lbcli_migrator", PASSWORD);
        Path changelogs = Files.createDirectories(home.resolve("changelogs"));
        for (String name : List.of("changelog.sql", "changelog.xml")) {
            try (InputStream in = LiquibaseCliIT.class.getResourceAsStream("/io/lava/jdbc/liquibase/" + name)) {
                Files.copy(in, changelogs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static String realmWithWarehouse() throws SQLException {
        String realm = "lbcli" + REALMS.incrementAndGet();
        pg.createDatabase(realm + "_db", "lbcli_migrator");
        LavaRealm.create(aws, pg, realm).postgres("warehouse", realm + "_db", "lbcli_migrator", PASSWORD);
        return realm;
    }

    /** liquibase-core, its dependencies and picocli (which Liquibase's installation brings), then the -all jar. */
    private static String classPath() throws IOException, URISyntaxException {
        Path file = Path.of(System.getProperty("basedir", "."), "target", "liquibase.classpath");
        List<String> entries = new ArrayList<>(Arrays.asList(Files.readString(file).trim().split(File.pathSeparator)));
        assertThat(entries).anyMatch(e -> e.contains("liquibase-core-"));
        entries.add(Path.of(picocli.CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString());
        entries.add(ShadedJarIT.allJar().toString());
        return String.join(File.pathSeparator, entries);
    }

    /** Runs {@code liquibase args} in a new JVM with the harness's clean environment; at most two minutes. */
    private static Run liquibase(String... args) throws IOException, URISyntaxException {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Duser.home=" + home, "-cp", classPath(),
                "liquibase.integration.commandline.LiquibaseCommandLine", "--show-banner=false"));
        command.addAll(List.of(args));
        Map<String, String> env = ChildJvm.cleanEnvironment(home);
        env.put("LIQUIBASE_ANALYTICS_ENABLED", "false");
        Run run = ChildJvm.run(command, env, Duration.ofMinutes(2));
        assertThat(run.all()).doesNotContain(PASSWORD, "lava-test-secret-key");
        return run;
    }

    private static String searchPath() {
        return "--search-path=" + home.resolve("changelogs");
    }

    @Test
    void updateStatusAndRollbackCountOnTheCommandLine() throws Exception {
        String realm = realmWithWarehouse();
        String url = LiquibaseIT.url(aws, realm, "warehouse");

        Run pending = liquibase("--url=" + url, searchPath(), "--changelog-file=changelog.sql", "status");
        assertThat(pending.exitCode()).as(pending.all()).isZero();
        assertThat(pending.all()).contains("3 changesets have not been applied");

        Run update = liquibase("--url=" + url, searchPath(), "--changelog-file=changelog.sql", "update");
        assertThat(update.exitCode()).as(update.all()).isZero();
        assertThat(Sql.rows(url, "select code from country order by code")).containsExactly("CI", "NZ");
        assertThat(Sql.rows(url, "select who, application_name from migration_session"))
                .containsExactly("lbcli_migrator|lv-" + realm + "-warehouse");

        Run rollback = liquibase("--url=" + url, searchPath(), "--changelog-file=changelog.sql", "rollback-count",
                "--count=1");
        assertThat(rollback.exitCode()).as(rollback.all()).isZero();
        assertThat(Sql.rows(url, "select id from databasechangelog order by orderexecuted"))
                .containsExactly("1", "2");
        Run after = liquibase("--url=" + url, searchPath(), "--changelog-file=changelog.sql", "status");
        assertThat(after.all()).contains("1 changeset has not been applied");
    }

    @Test
    void updateFromLiquibaseProperties() throws Exception {
        String realm = realmWithWarehouse();
        String url = LiquibaseIT.url(aws, realm, "warehouse");
        Path properties = home.resolve(realm + "-liquibase.properties");
        Files.writeString(properties, "# no username, no password, no driver: the lava record has them\n"
                + "url: " + url + "\n"
                + "changelog-file: changelog.xml\n"
                + "search-path: " + home.resolve("changelogs") + "\n");

        Run update = liquibase("--defaults-file=" + properties, "update");

        assertThat(update.exitCode()).as(update.all()).isZero();
        assertThat(Sql.rows(url, "select name from city order by id")).containsExactly("Wellington", "Zürich");
        assertThat(Sql.rows(url, "select who from migration_session")).containsExactly("lbcli_migrator");
        Run status = liquibase("--defaults-file=" + properties, "status");
        assertThat(status.all()).contains("is up to date");
    }
}
