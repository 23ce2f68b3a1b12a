package io.lava.jdbc.flink;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.connector.jdbc.core.database.JdbcFactory;
import org.apache.flink.connector.jdbc.core.database.catalog.JdbcCatalog;
import org.apache.flink.connector.jdbc.core.database.dialect.JdbcDialect;

/**
 * Flink JDBC connector {@link JdbcFactory} for {@code jdbc:lava-pg:} URLs: Flink's own PostgreSQL dialect, with this
 * driver as the dialect's driver class.
 *
 * <p>The connector picks the dialect of a table by asking every {@code JdbcFactory} that {@link ServiceLoader} finds
 * ({@code META-INF/services/org.apache.flink.connector.jdbc.core.database.JdbcFactory}, which this jar and the -all
 * jar hold) whether it {@link #acceptsURL accepts} the table's {@code url}, and requires exactly one; its PostgreSQL
 * factory accepts only {@code jdbc:postgresql:}. This factory accepts the URLs that start with {@code jdbc:lava-pg:}
 * and {@link #createDialect() creates} a {@link LavaPgJdbcDialect} around the dialect of the factory the connector has
 * for {@code jdbc:postgresql:} (found the same way), so upserts ({@code INSERT ... ON CONFLICT ... DO UPDATE}), the
 * type mapping (arrays included), quoting and limits are Flink's PostgreSQL dialect's; only the driver class differs
 * ({@code io.lava.jdbc.LavaPgDriver}), so a table needs no {@code driver} option. The connection behind the URL is
 * pgjdbc's own.
 *
 * <p>One class for both lines of the connector: {@code JdbcFactory} and {@code JdbcDialect} have the same package and
 * methods in flink-connector-jdbc 3.3 (Flink 1.20, every dialect in one jar) and 4.0 (Flink 2.x, the PostgreSQL
 * dialect in {@code flink-connector-jdbc-postgres}). Only the connector's {@code ServiceLoader} loads this class, so
 * without Flink nothing does, and the driver works as it does without it.
 *
 * <p>The JDBC catalog is not offered: Flink's PostgreSQL catalog appends database names to a server URL, and a
 * {@code jdbc:lava-pg:} URL names one connection record, not a server. Stateless; thread-safe.
 */
public final class LavaPgJdbcFactory implements JdbcFactory {
    /** The URL prefix this factory accepts, the same as {@link io.lava.jdbc.LavaPgDriver#acceptsURL}'s. */
    public static final String URL_PREFIX = "jdbc:lava-pg:";

    /** The URL whose factory gives the dialect this one delegates to. */
    static final String POSTGRES_URL = "jdbc:postgresql:";

    /** Creates the factory; {@link ServiceLoader} calls this. */
    public LavaPgJdbcFactory() {
    }

    /**
     * @param url the {@code url} option of a Flink JDBC table or catalog, possibly {@code null}
     * @return whether {@code url} starts with {@code jdbc:lava-pg:} (case-sensitive, as the driver's)
     */
    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(URL_PREFIX);
    }

    /**
     * @return the PostgreSQL dialect of the connector, under this driver's class name
     * @throws IllegalStateException when no factory or more than one for {@code jdbc:postgresql:} is on the class path
     */
    @Override
    public JdbcDialect createDialect() {
        return new LavaPgJdbcDialect(postgres().createDialect());
    }

    /**
     * @param compatibleMode the table's {@code compatible-mode} option, or {@code null}
     * @return the PostgreSQL dialect the connector creates for that mode, under this driver's class name
     * @throws IllegalStateException when no factory or more than one for {@code jdbc:postgresql:} is on the class path
     * @throws UnsupportedOperationException when the PostgreSQL factory does not support the mode (its own refusal)
     */
    @Override
    public JdbcDialect createDialect(String compatibleMode) {
        return new LavaPgJdbcDialect(postgres().createDialect(compatibleMode));
    }

    /**
     * Not offered: see the class comment.
     *
     * @throws UnsupportedOperationException always, naming the URL prefix and the way to reach tables instead
     */
    @Override
    public JdbcCatalog createCatalog(ClassLoader classLoader, String catalogName, String defaultDatabase,
            String username, String pwd, String baseUrl) {
        throw new UnsupportedOperationException("The Flink JDBC catalog does not support " + URL_PREFIX
                + " URLs: a lava URL names one connection record, not a server whose databases the catalog lists;"
                + " declare tables with CREATE TABLE ... WITH ('connector' = 'jdbc', 'url' = '" + URL_PREFIX
                + "<realm>/<conn_id>', 'table-name' = ...)");
    }

    /**
     * The connector's factory for {@code jdbc:postgresql:} URLs, as its own loader would find it: the providers of
     * {@code JdbcFactory} visible to the thread's context class loader (the one Flink runs user code under), then to
     * this class's loader, other than this class; those that fail to load (another copy of the connector) are
     * skipped.
     *
     * @return the one factory that accepts {@code jdbc:postgresql:}
     * @throws IllegalStateException when there is none (the message names the connector artifacts to add) or more
     *     than one (the message names them, as the connector's own ambiguity error does)
     */
    static JdbcFactory postgres() {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            loaders.add(context);
        }
        loaders.add(LavaPgJdbcFactory.class.getClassLoader());
        for (ClassLoader loader : loaders) {
            List<JdbcFactory> matching = postgresFactories(loader);
            if (matching.size() == 1) {
                return matching.get(0);
            }
            if (matching.size() > 1) {
                throw new IllegalStateException("Multiple jdbc factories can handle url '" + POSTGRES_URL
                        + "', so none is used for " + URL_PREFIX + " URLs: " + matching.stream()
                        .map(f -> f.getClass().getName()).sorted().collect(Collectors.joining(", ")));
            }
        }
        throw new IllegalStateException("No jdbc factory can handle url '" + POSTGRES_URL + "', whose PostgreSQL"
                + " dialect " + URL_PREFIX + " URLs use: add Flink's PostgreSQL dialect to the class path"
                + " (flink-connector-jdbc-postgres with flink-connector-jdbc-core for connector 4.x,"
                + " flink-connector-jdbc for 3.3)");
    }

    private static List<JdbcFactory> postgresFactories(ClassLoader loader) {
        List<JdbcFactory> matching = new ArrayList<>();
        Iterator<JdbcFactory> providers = ServiceLoader.load(JdbcFactory.class, loader).iterator();
        while (true) {
            JdbcFactory factory;
            try {
                if (!providers.hasNext()) {
                    return matching;
                }
                factory = providers.next();
            } catch (ServiceConfigurationError notLoadable) {
                // a provider of another copy of JdbcFactory, or one that fails to load: not one the connector uses
                continue;
            }
            if (!(factory instanceof LavaPgJdbcFactory) && factory.acceptsURL(POSTGRES_URL)) {
                matching.add(factory);
            }
        }
    }
}
