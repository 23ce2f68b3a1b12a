package io.lava.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * JDBC driver for {@code jdbc:lava-pg:<realm>/<conn_id>} URLs: reads the lava connection record, resolves its
 * credentials (SSM SecureString, Secrets Manager, or an RDS IAM token over enforced TLS) and returns pgjdbc's own
 * {@link Connection} to the database it describes, so {@code unwrap(PGConnection.class)} works and the metadata says
 * {@code PostgreSQL}.
 *
 * <p>Registered with {@link DriverManager} by {@code META-INF/services/java.sql.Driver} and by this class's static
 * initializer. URL grammar: {@link ConnectionRef}; properties: {@link LavaPgProperty} (every other property passes
 * through to pgjdbc). Records, parameter values, secrets and IAM tokens are cached JVM-wide (TTLs: {@code recordTtl}
 * 60 s, {@code parameterTtl} and {@code secretTtl} 300 s, {@code iamTokenTtl} 840 s); a connect with the same URL
 * and properties as an earlier one reuses that connect's resolution while every cached value in it is current
 * ({@link ReusedResolutions}). Thread-safe; keeps no per-connection state.
 *
 * <p>Errors are {@link SQLException}s whose message names the realm, conn_id and failing step:
 * {@code 08001} (URL, record, AWS source unreachable, invalid record), {@code 28000} (record not enabled, no password,
 * AWS access denied, parameter outside the realm), {@code 0A000} (an {@code s3://} CA bundle in the record), and
 * pgjdbc's own SQLState when the server refuses the connection (e.g. {@code 28P01}).
 *
 * <p>When the server refuses the credentials ({@code 28P01}, {@code 28000}, {@code 08004}), the connect drops the
 * record, parameter value, secret and token it used from the caches, resolves them again and retries once, so a
 * rotated password is picked up without an operator; a second refusal is reported as such.
 */
public class LavaPgDriver implements Driver {
    private static final Logger PARENT_LOGGER = Logger.getLogger("io.lava.jdbc");
    private static final Logger LOG = Logger.getLogger(LavaPgDriver.class.getName());

    static {
        try {
            DriverManager.registerDriver(new LavaPgDriver());
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "could not register io.lava.jdbc.LavaPgDriver with DriverManager", e);
        }
        Metrics.register();
    }

    private final org.postgresql.Driver pgjdbc = new org.postgresql.Driver();
    private final UnaryOperator<String> env;
    private final ReusedResolutions resolutions;

    /** Creates a driver that reads the process environment ({@code LAVA_REALM}, {@code LAVA_JOB_ID}, ...). */
    public LavaPgDriver() {
        this(System::getenv);
    }

    LavaPgDriver(UnaryOperator<String> env) {
        this.env = env;
        this.resolutions = new ReusedResolutions(env, System::nanoTime);
    }

    /**
     * Everything a connect does before pgjdbc runs: parse the URL and properties, then resolve record and credentials
     * through the caches, or reuse an earlier connect's result while it is current ({@link ReusedResolutions}).
     *
     * @param url a {@code jdbc:lava-pg:} URL
     * @param info the tool's properties, may be {@code null}
     * @return the parsed request and its resolution
     * @throws SQLException as {@link #connect}, for the steps before the connect itself
     */
    ReusedResolutions.Resolved resolve(String url, Properties info) throws SQLException {
        return resolutions.resolve(url, info);
    }

    /**
     * Opens a connection.
     *
     * @param url a JDBC URL; any URL not starting with {@code jdbc:lava-pg:} yields {@code null}
     * @param info properties from the tool, may be {@code null}; {@code user} and {@code password} are ignored
     * @return pgjdbc's connection, or {@code null} for a foreign URL
     * @throws SQLException see the class description for SQLStates
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        ReusedResolutions.Resolved resolved = resolve(url, info);
        ConnectionRef ref = resolved.request().ref();
        ConnectionOptions options = resolved.request().options();
        Resolution resolution = resolved.resolution();
        try {
            return PgDelegate.connect(pgjdbc, options, resolution.connection(), env);
        } catch (SQLException refused) {
            if (!PgDelegate.credentialsRefused(refused)) {
                throw refused;
            }
            // the password may have been rotated: drop what this connect used, resolve again, retry once
            LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': credentials refused ({2}); refreshing them and "
                    + "retrying once", new Object[] {ref.realm(), ref.connId(), refused.getSQLState()});
            Metrics.SHARED.authRetried();
            resolution.invalidate();
            Resolution again = Resolver.resolve(ref, options);
            try {
                return PgDelegate.connect(pgjdbc, options, again.connection(), env);
            } catch (SQLException second) {
                if (PgDelegate.credentialsRefused(second)) {
                    SQLException e = new SQLException(second.getMessage().replaceFirst(": connect: ",
                            ": connect: credentials were refreshed from their source and the server still refused "
                                    + "them: "), second.getSQLState(), second.getCause());
                    e.addSuppressed(refused);
                    throw e;
                }
                throw second;
            }
        }
    }

    /** @return whether {@code url} starts with {@code jdbc:lava-pg:}; never throws */
    @Override
    public boolean acceptsURL(String url) {
        return ConnectionRef.accepts(url);
    }

    /**
     * Lists the driver's own properties ({@link LavaPgProperty}: name, current or default value, description), followed
     * by pgjdbc's. Never throws for a {@code jdbc:lava-pg:} URL, however malformed, nor for {@code null} or empty
     * {@code info}. Password values are never returned.
     *
     * @param url the URL being configured; its query parameters are shown as current values
     * @param info the tool's current properties, may be {@code null}
     * @return the properties, never {@code null}
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        Properties current = new Properties();
        if (info != null) {
            for (String key : info.stringPropertyNames()) {
                current.setProperty(key, info.getProperty(key));
            }
        }
        if (acceptsURL(url)) {
            try {
                current = ConnectionRef.parse(url, current, key -> null).properties();
            } catch (SourceException e) {
                // a half-typed URL: show what the properties say
            }
        }
        current.remove("password");
        current.remove("sslpassword");
        List<DriverPropertyInfo> all = new ArrayList<>();
        for (LavaPgProperty property : LavaPgProperty.values()) {
            all.add(property.toDriverPropertyInfo(current));
        }
        try {
            for (DriverPropertyInfo pg : pgjdbc.getPropertyInfo("jdbc:postgresql:", current)) {
                if (pg.name.toLowerCase(Locale.ROOT).contains("password")) {
                    pg.value = null;
                }
                all.add(pg);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "pgjdbc getPropertyInfo failed", e);
        }
        return all.toArray(new DriverPropertyInfo[0]);
    }

    /** @return the major version of this build */
    @Override
    public int getMajorVersion() {
        return Version.MAJOR;
    }

    /** @return the minor version of this build */
    @Override
    public int getMinorVersion() {
        return Version.MINOR;
    }

    /** @return {@code false}: the driver has not passed the JDBC compliance tests (neither does pgjdbc claim it) */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    /** @return the JUL logger {@code io.lava.jdbc}, parent of every logger in the driver */
    @Override
    public Logger getParentLogger() {
        return PARENT_LOGGER;
    }

    @Override
    public String toString() {
        return "lava-pg-jdbc " + Version.FULL;
    }
}
