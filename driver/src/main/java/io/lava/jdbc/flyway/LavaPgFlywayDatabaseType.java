package io.lava.jdbc.flyway;

import java.sql.Connection;
import java.sql.Types;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.database.base.BaseDatabaseType;
import org.flywaydb.core.internal.database.base.Database;
import org.flywaydb.core.internal.jdbc.JdbcConnectionFactory;
import org.flywaydb.core.internal.jdbc.StatementInterceptor;
import org.flywaydb.core.internal.parser.Parser;
import org.flywaydb.core.internal.parser.ParsingContext;

/**
 * Flyway plugin that lets Flyway open {@code jdbc:lava-pg:} URLs, e.g.
 * {@code Flyway.configure().dataSource("jdbc:lava-pg:prod/warehouse", null, null).migrate()} or
 * {@code flyway.url=jdbc:lava-pg:prod/warehouse} on the Flyway command line.
 *
 * <p>Flyway picks a database type by URL prefix before it loads any driver, and refuses a URL no type claims
 * ({@code No Flyway database plugin found to handle jdbc:lava-pg:...}). This type claims exactly the URLs that start with
 * {@code jdbc:lava-pg:} and names {@link io.lava.jdbc.LavaPgDriver} as their driver; nothing more. Once connected,
 * Flyway chooses the type that does the work from the connection's metadata: the connection is pgjdbc's own, its
 * product name is {@code PostgreSQL}, so Flyway's PostgreSQL support ({@code flyway-database-postgresql}) runs the
 * migrations, {@code COPY ... FROM STDIN} included. This type never claims a connection by its metadata. It is the
 * pattern of Flyway's own Testcontainers type for {@code jdbc:tc:} URLs.
 *
 * <p>User and password come from the lava connection record: leave Flyway's {@code user} and {@code password} unset
 * ({@code dataSource(url, null, null)}); any Flyway sends are ignored by the driver. Flyway's PostgreSQL default
 * {@code applicationName=Flyway by Redgate} is not applied: the driver's default {@code lv-<realm>-<conn_id>} stays,
 * unless the URL sets {@code ApplicationName}.
 *
 * <p>Registered through {@code META-INF/services/org.flywaydb.core.extensibility.Plugin}, which only Flyway reads.
 * No other class of the driver refers to Flyway, so the driver works without Flyway on the class path. Needs
 * {@code flyway-core} and {@code flyway-database-postgresql}; built against Flyway 11.8.2, whose {@code BaseDatabaseType}
 * methods are the same in Flyway 10 through 13; tested with 11.8.2 and, by the Flyway matrix ({@code tests/flyway}),
 * with 10.21.0, 11.20.3, 12.5.0 and 13.12.1. Stateless and thread-safe.
 */
public class LavaPgFlywayDatabaseType extends BaseDatabaseType {

    /** The URL prefix this type claims; the same as {@link io.lava.jdbc.LavaPgDriver#acceptsURL}'s. */
    private static final String URL_PREFIX = "jdbc:lava-pg:";

    /** The driver class Flyway instantiates for a claimed URL. */
    private static final String DRIVER_CLASS = "io.lava.jdbc.LavaPgDriver";

    /** Creates the type; Flyway does this through {@link java.util.ServiceLoader}. */
    public LavaPgFlywayDatabaseType() {
    }

    /** @return {@code lava-pg}, the name Flyway shows for URL-level messages */
    @Override
    public String getName() {
        return "lava-pg";
    }

    /** @return {@link Types#NULL}; unused, since the PostgreSQL type does the work once connected */
    @Override
    public int getNullType() {
        return Types.NULL;
    }

    /** @return {@code false}; unused, since the PostgreSQL type does the work once connected */
    @Override
    public boolean supportsReadOnlyTransactions() {
        return false;
    }

    /**
     * @param url a JDBC URL, possibly {@code null}
     * @return whether {@code url} starts with {@code jdbc:lava-pg:} (case-sensitive, as the driver); never throws
     */
    @Override
    public boolean handlesJDBCUrl(String url) {
        return url != null && url.startsWith(URL_PREFIX);
    }

    /**
     * @param url a URL this type claims
     * @param classLoader Flyway's class loader (unused)
     * @return {@code io.lava.jdbc.LavaPgDriver}
     */
    @Override
    public String getDriverClass(String url, ClassLoader classLoader) {
        return DRIVER_CLASS;
    }

    /**
     * Never claims a connection: the connection is pgjdbc's, so Flyway's PostgreSQL type claims it.
     *
     * @param databaseProductName the connection's product name (unused)
     * @param databaseProductVersion the connection's product version (unused)
     * @param connection the connection (unused)
     * @return {@code false}
     */
    @Override
    public boolean handlesDatabaseProductNameAndVersion(String databaseProductName, String databaseProductVersion,
            Connection connection) {
        return false;
    }

    /** @return the hint Flyway adds when it cannot instantiate {@code io.lava.jdbc.LavaPgDriver} */
    @Override
    public String instantiateClassExtendedErrorMessage() {
        return "Put lava-pg-jdbc-<version>-all.jar (or lava-pg-jdbc and its dependencies) on Flyway's class path; "
                + "for the Flyway command line, into its drivers/ folder.";
    }

    /**
     * Not supported: Flyway creates the database from the type that claims the connection (PostgreSQL).
     *
     * @throws IllegalStateException always
     */
    @Override
    public Database<?> createDatabase(Configuration configuration, JdbcConnectionFactory jdbcConnectionFactory,
            StatementInterceptor statementInterceptor) {
        throw new IllegalStateException(getName() + " only opens connections; the database type comes from the "
                + "connection's metadata (is flyway-database-postgresql on the class path?)");
    }

    /**
     * Not supported: Flyway creates the parser from the type that claims the connection (PostgreSQL).
     *
     * @throws IllegalStateException always
     */
    @Override
    public Parser createParser(Configuration configuration, ResourceProvider resourceProvider,
            ParsingContext parsingContext) {
        throw new IllegalStateException(getName() + " only opens connections; the database type comes from the "
                + "connection's metadata (is flyway-database-postgresql on the class path?)");
    }
}
