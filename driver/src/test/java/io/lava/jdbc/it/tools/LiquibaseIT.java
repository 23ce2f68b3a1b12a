package io.lava.jdbc.it.tools;

import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.LavaPgDriver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import liquibase.command.CommandScope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.core.PostgresDatabase;
import liquibase.exception.CommandExecutionException;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Liquibase's API (in process) with nothing but a {@code jdbc:lava-pg:} URL: no driver class, no user, no password. The
 * extension ({@code io.lava.jdbc.liquibase.LavaPgDatabase}) names the driver, the driver resolves the lava record, and
 * Liquibase's PostgreSQL support does the work. Each test has its own realm and database.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class LiquibaseIT {
    private static final String PASSWORD = "liquibase-Pa55-w0rd!";
    private static final String SQL_CHANGELOG = "io/lava/jdbc/liquibase/changelog.sql";
    private static final String XML_CHANGELOG = "io/lava/jdbc/liquibase/changelog.xml";
    private static final AtomicInteger REALMS = new AtomicInteger();

    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws SQLException {
        pg = postgres;
        aws = localAws;
        pg.createRole("lb_migrator", PASSWORD);
    }

    /** A fresh realm and database, with record 'warehouse' for the database; returns the realm. */
    private static String realmWithWarehouse() throws SQLException {
        String realm = "lb" + REALMS.incrementAndGet();
        pg.createDatabase(realm + "_db", "lb_migrator");
        LavaRealm.create(aws, pg, realm).postgres("warehouse", realm + "_db", "lb_migrator", PASSWORD);
        return realm;
    }

    /** The URL a Liquibase user would write, plus the local AWS endpoint in the query. */
    static String url(LocalAws localAws, String realm, String connId) {
        return "jdbc:lava-pg:" + realm + "/" + connId + "?awsRegion=us-east-1&awsEndpointUrl="
                + URLEncoder.encode(localAws.endpoint(), StandardCharsets.UTF_8);
    }

    /** Runs a Liquibase command with only {@code url} and {@code changelogFile} (and {@code extra} name/value pairs). */
    private static String command(String name, String url, String changelog, Object... extra)
            throws CommandExecutionException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandScope scope = new CommandScope(name).addArgumentValue("url", url)
                .addArgumentValue("changelogFile", changelog).setOutput(out);
        for (int i = 0; i < extra.length; i += 2) {
            scope.addArgumentValue((String) extra[i], extra[i + 1]);
        }
        scope.execute();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void updateWithAFormattedSqlChangelog() throws Exception {
        String realm = realmWithWarehouse();
        String url = url(aws, realm, "warehouse");

        command("update", url, SQL_CHANGELOG);

        assertThat(Sql.rows(url, "select id, author, filename, exectype from databasechangelog order by orderexecuted"))
                .containsExactly("1|lava|" + SQL_CHANGELOG + "|EXECUTED", "2|lava|" + SQL_CHANGELOG + "|EXECUTED",
                        "3|lava|" + SQL_CHANGELOG + "|EXECUTED");
        assertThat(Sql.rows(url, "select code, name from country order by code"))
                .containsExactly("CI|Côte d'Ivoire", "NZ|New Zealand");
        // The credentials and the session name came from the lava record, not from Liquibase.
        assertThat(Sql.rows(url, "select who, application_name from migration_session"))
                .containsExactly("lb_migrator|lv-" + realm + "-warehouse");
        assertThat(Sql.rows(url, "select locked from databasechangeloglock")).containsExactly("f");
    }

    @Test
    void updateWithAnXmlChangelogRunsThePostgresqlChangesets() throws Exception {
        String realm = realmWithWarehouse();
        String url = url(aws, realm, "warehouse");

        command("update", url, XML_CHANGELOG);

        assertThat(Sql.rows(url, "select id from databasechangelog order by orderexecuted")).containsExactly("1", "2", "3");
        assertThat(Sql.rows(url, "select id, name from city order by id")).containsExactly("1|Wellington", "2|Zürich");
        assertThat(Sql.rows(url, "select who from migration_session")).containsExactly("lb_migrator");
        assertThat(Sql.rows(url, "select count(*) from pg_tables where tablename = 'never_created'")).containsExactly("0");
    }

    @Test
    void statusAndRollbackCount() throws Exception {
        String url = url(aws, realmWithWarehouse(), "warehouse");
        assertThat(command("status", url, SQL_CHANGELOG)).contains("3 changesets have not been applied");

        command("update", url, SQL_CHANGELOG);
        assertThat(command("status", url, SQL_CHANGELOG)).contains("is up to date");

        command("rollbackCount", url, SQL_CHANGELOG, "count", 1);
        assertThat(Sql.rows(url, "select id from databasechangelog order by orderexecuted")).containsExactly("1", "2");
        assertThat(Sql.rows(url, "select count(*) from pg_tables where tablename = 'migration_session'"))
                .containsExactly("0");
        assertThat(command("status", url, SQL_CHANGELOG, "verbose", true))
                .contains("1 changeset has not been applied")
                .contains(SQL_CHANGELOG + "::3::lava");

        command("rollbackCount", url, SQL_CHANGELOG, "count", 2);
        assertThat(Sql.rows(url, "select count(*) from databasechangelog")).containsExactly("0");
        assertThat(Sql.rows(url, "select count(*) from pg_tables where tablename = 'country'")).containsExactly("0");
    }

    @Test
    void theConnectedDatabaseIsLiquibasesPostgresql() throws Exception {
        String url = url(aws, realmWithWarehouse(), "warehouse");

        assertThat(DatabaseFactory.getInstance().findDefaultDriver(url)).isEqualTo(LavaPgDriver.class.getName());
        Database database = DatabaseFactory.getInstance().openDatabase(url, null, null, null,
                new ClassLoaderResourceAccessor());
        try {
            assertThat(database.getClass()).isEqualTo(PostgresDatabase.class);
            assertThat(database.getShortName()).isEqualTo("postgresql");
            assertThat(database.getConnection().getConnectionUserName()).isEqualTo("lb_migrator");
        } finally {
            database.close();
        }
    }

    @Test
    void lavaErrorsReachTheLiquibaseUser() throws SQLException {
        String realm = realmWithWarehouse();

        assertThatThrownBy(() -> command("update", url(aws, realm, "no-such-conn"), SQL_CHANGELOG))
                .isInstanceOf(CommandExecutionException.class)
                .hasMessageContaining("with driver io.lava.jdbc.LavaPgDriver")
                .hasMessageContaining("lava-pg realm '" + realm + "', conn_id 'no-such-conn'")
                .hasMessageContaining("no such connection")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(PASSWORD))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("08001"));
    }

    /** The SQLState of the first {@link SQLException} in the cause chain (Liquibase keeps the driver's as a cause). */
    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
