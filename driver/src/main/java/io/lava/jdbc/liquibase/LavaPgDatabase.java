package io.lava.jdbc.liquibase;

import liquibase.database.DatabaseConnection;
import liquibase.database.core.PostgresDatabase;

/**
 * Liquibase extension that lets Liquibase open {@code jdbc:lava-pg:} URLs without {@code --driver}, e.g.
 * {@code liquibase update --url=jdbc:lava-pg:prod/warehouse --changelog-file=db/changelog.xml} or
 * {@code spring.liquibase.url=jdbc:lava-pg:prod/warehouse}.
 *
 * <p>Liquibase 4.x picks the JDBC driver of a URL before it connects: unless a driver class is given, its
 * {@code DatabaseFactory.findDefaultDriver(url)} asks every registered {@link liquibase.database.Database} type's
 * {@link #getDefaultDriver(String)} and fails with {@code Driver class was not specified and could not be determined
 * from the url} when none answers. This type answers {@code io.lava.jdbc.LavaPgDriver} for URLs that start with
 * {@code jdbc:lava-pg:}, and nothing for any other URL; nothing more.
 *
 * <p>Once connected, Liquibase chooses the type that does the work from the connection
 * ({@code DatabaseFactory.findCorrectDatabaseImplementation}): the connection is pgjdbc's own, its product name is
 * {@code PostgreSQL}, so Liquibase's {@link PostgresDatabase} runs the changelog, exactly as for a
 * {@code jdbc:postgresql:} URL: {@code dbms="postgresql"} preconditions and changesets apply, the tracking tables are
 * {@code databasechangelog} and {@code databasechangeloglock}. This type never claims a connection
 * ({@link #isCorrectDatabaseImplementation} is {@code false}). It has a short name of its own, {@code lava-pg}, because
 * Liquibase keeps only the highest-priority type per short name: sharing {@code postgresql} would either hide
 * Liquibase's PostgreSQL type or be hidden by it. It extends {@link PostgresDatabase} only to inherit a complete
 * {@code Database} implementation; it is the pattern of Liquibase's own {@code EnterpriseDBDatabase}, which claims
 * {@code jdbc:edb:} URLs.
 *
 * <p>User and password come from the lava connection record: leave Liquibase's {@code username} and {@code password}
 * unset; any Liquibase sends are ignored by the driver. Driver settings go into the URL query
 * ({@code jdbc:lava-pg:prod/warehouse?awsProfile=deploy}).
 *
 * <p>Registered through {@code META-INF/services/liquibase.database.Database}, which only Liquibase reads. No other class
 * of the driver refers to Liquibase, so the driver works without Liquibase on the class path. Needs
 * {@code liquibase-core} 4.x; built and tested with Liquibase 4.33.0. Liquibase creates instances through
 * {@link java.util.ServiceLoader} and by reflection; each is used by one thread at a time, as every Liquibase type.
 */
public class LavaPgDatabase extends PostgresDatabase {

    /** The URL prefix this type claims; the same as {@link io.lava.jdbc.LavaPgDriver#acceptsURL}'s. */
    private static final String URL_PREFIX = "jdbc:lava-pg:";

    /** The driver class Liquibase instantiates for a claimed URL. */
    private static final String DRIVER_CLASS = "io.lava.jdbc.LavaPgDriver";

    /** Creates the type; Liquibase does this through {@link java.util.ServiceLoader}. */
    public LavaPgDatabase() {
    }

    /** @return {@code lava-pg}: Liquibase's registry key for this type; never the short name of a connected database */
    @Override
    public String getShortName() {
        return "lava-pg";
    }

    /**
     * @param url a JDBC URL, possibly {@code null}
     * @return {@code io.lava.jdbc.LavaPgDriver} when {@code url} starts with {@code jdbc:lava-pg:} (case-sensitive, as
     *     the driver), otherwise {@code null} (Liquibase then asks the other types); never throws
     */
    @Override
    public String getDefaultDriver(String url) {
        return url != null && url.startsWith(URL_PREFIX) ? DRIVER_CLASS : null;
    }

    /**
     * Never claims a connection: the connection is pgjdbc's, so Liquibase's {@link PostgresDatabase} claims it.
     *
     * @param connection the connection (unused)
     * @return {@code false}
     */
    @Override
    public boolean isCorrectDatabaseImplementation(DatabaseConnection connection) {
        return false;
    }

    /** @return {@link #PRIORITY_DEFAULT}; the only type under the short name {@code lava-pg} */
    @Override
    public int getPriority() {
        return PRIORITY_DEFAULT;
    }
}
