package io.lava.jdbc.internal.pg;

import io.lava.jdbc.internal.record.ApplicationName;
import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.Errors.Step;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.ConnectDeadline;
import io.lava.jdbc.internal.request.ConnectionOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGProperty;

/**
 * Hands a {@link ResolvedConnection} to pgjdbc: URL {@code jdbc:postgresql://host:port/database} with no parameters,
 * {@code user} and {@code password} from the record, every pass-through property unchanged, and lava's
 * {@code ApplicationName} ({@link ApplicationName#of}) unless the tool set one.
 */
final public class PgDelegate {
    private static final Logger LOG = Logger.getLogger(PgDelegate.class.getName());

    private PgDelegate() {
    }

    /**
     * @return {@code jdbc:postgresql://host:port/database}, IPv6 hosts bracketed, the database percent-encoded
     */
    public static String pgUrl(ResolvedConnection resolved) {
        String host = resolved.host().indexOf(':') >= 0 && !resolved.host().startsWith("[")
                ? "[" + resolved.host() + "]" : resolved.host();
        return "jdbc:postgresql://" + host + ":" + resolved.port() + "/"
                + URLEncoder.encode(resolved.database(), StandardCharsets.UTF_8);
    }

    /**
     * Builds the properties pgjdbc receives.
     *
     * @param options pass-through properties (already without the driver's own, {@code user} and {@code password})
     * @param resolved the resolved connection; its user and password always win over the tool's
     * @param env environment lookup, for {@code LAVA_CONN_APP_NAME} and {@code LAVA_JOB_ID} ({@link ApplicationName#of})
     * @return a new {@link Properties}
     */
    public static Properties pgProperties(ConnectionOptions options, ResolvedConnection resolved,
                                          UnaryOperator<String> env) {
        Properties props = new Properties();
        props.putAll(options.pgProperties());
        props.setProperty("user", resolved.user());
        props.setProperty("password", resolved.password());
        TlsPolicy.apply(options, resolved, props);
        if (props.getProperty("ApplicationName") == null) {
            props.setProperty("ApplicationName", ApplicationName.of(resolved.realm(), resolved.connId(), env));
        }
        return props;
    }

    /**
     * Opens the connection.
     *
     * @return pgjdbc's own connection (not wrapped)
     * @throws SQLException pgjdbc's SQLState (e.g. 28P01 password refused, 08001 unreachable), with a message naming
     *     realm, conn_id and the server, and pgjdbc's exception as cause; 08001 for a {@link LinkageError} in pgjdbc
     *     ({@link Errors#incompleteJar}), with the error as cause
     */
    public static Connection connect(org.postgresql.Driver pgjdbc, ConnectionOptions options,
                                     ResolvedConnection resolved, UnaryOperator<String> env) throws SQLException {
        return connect(pgjdbc, options, resolved, env, false);
    }

    /**
     * Opens the connection; {@code refreshed} says the credentials were just read again from their source after the
     * server refused the cached ones, which the message of a second refusal then says.
     *
     * @return pgjdbc's own connection (not wrapped)
     * @throws SQLException as {@link #connect(org.postgresql.Driver, ConnectionOptions, ResolvedConnection,
     *     UnaryOperator)}
     */
    public static Connection connect(org.postgresql.Driver pgjdbc, ConnectionOptions options,
                                     ResolvedConnection resolved, UnaryOperator<String> env, boolean refreshed)
            throws SQLException {
        return connect(pgjdbc, options, resolved, env, refreshed, ConnectDeadline.none());
    }

    /**
     * As {@link #connect(org.postgresql.Driver, ConnectionOptions, ResolvedConnection, UnaryOperator, boolean)}
     * within the connect's deadline: pgjdbc gets the time left as its {@code loginTimeout} (seconds, with a fraction,
     * as pgjdbc reads it) and at most that, rounded up, as {@code connectTimeout}.
     *
     * @throws SQLException 08001 naming {@code loginTimeout} when the deadline passed before or during pgjdbc's connect;
     *     0A000 for a property that could weaken the record's TLS ({@link TlsPolicy#check}), before pgjdbc is called
     */
    public static Connection connect(org.postgresql.Driver pgjdbc, ConnectionOptions options,
                                     ResolvedConnection resolved, UnaryOperator<String> env, boolean refreshed,
                                     ConnectDeadline deadline) throws SQLException {
        if (deadline.passed()) {
            throw Errors.at(resolved.realm(), resolved.connId(), Step.CONNECT,
                    deadline.expired("PostgreSQL at " + resolved.host() + ":" + resolved.port() + " was reached",
                            null));
        }
        try {
            TlsPolicy.check(options, resolved);
        } catch (SourceException e) {
            throw Errors.at(resolved.realm(), resolved.connId(), Step.CONNECT, e);
        }
        String url = pgUrl(resolved);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': connecting to {2} as {3} (password from {4})",
                    new Object[] {resolved.realm(), resolved.connId(), url, resolved.user(),
                            resolved.passwordSource()});
        }
        Properties sent = pgProperties(options, resolved, env);
        limitTo(deadline, sent);
        try {
            Connection connection = pgjdbc.connect(url, sent);
            if (connection == null) {
                throw new SQLException("pgjdbc did not accept " + url, Errors.UNABLE_TO_CONNECT);
            }
            return connection;
        } catch (LinkageError e) {
            throw Errors.at(resolved.realm(), resolved.connId(), Step.CONNECT, Errors.incompleteJar(e));
        } catch (SQLException e) {
            LinkageError linkage = Errors.linkageError(e.getCause());
            if (linkage != null) {
                // pgjdbc reports what its connect thread threw (loginTimeout) as an SQLException
                throw Errors.at(resolved.realm(), resolved.connId(), Step.CONNECT, Errors.incompleteJar(linkage));
            }
            if (deadline.passed()) {
                throw Errors.at(resolved.realm(), resolved.connId(), Step.CONNECT, deadline.expired("PostgreSQL at "
                        + resolved.host() + ":" + resolved.port() + "/" + resolved.database() + " answered ("
                        + e.getMessage() + ")", e));
            }
            String state = e.getSQLState() != null ? e.getSQLState() : Errors.UNABLE_TO_CONNECT;
            String tls = TlsDiagnosis.hint(e, sent, resolved);
            String again = refreshed && ConnectFailures.credentialsRefused(e) ? "credentials were refreshed from their source and the "
                    + "server still refused them: " : "";
            throw Errors.at(resolved.realm(), resolved.connId(), Step.CONNECT, state, again + "PostgreSQL at "
                    + resolved.host() + ":" + resolved.port() + "/" + resolved.database() + " as user '"
                    + resolved.user() + "' failed: " + e.getMessage() + ". "
                    + (tls != null ? tls : ConnectFailures.hint(state, resolved)), e);
        }
    }

    /** Gives pgjdbc what is left of the connect's deadline as its {@code loginTimeout} and {@code connectTimeout}. */
    static void limitTo(ConnectDeadline deadline, Properties sent) {
        Duration left = deadline.remaining();
        if (left == null) {
            return;
        }
        sent.setProperty(PGProperty.LOGIN_TIMEOUT.getName(), String.valueOf(Math.max(1, left.toMillis()) / 1000.0));
        long connectSeconds = Math.max(1, (left.toMillis() + 999) / 1000);
        String user = sent.getProperty(PGProperty.CONNECT_TIMEOUT.getName());
        long userSeconds = Long.parseLong(PGProperty.CONNECT_TIMEOUT.getDefaultValue());
        if (user != null) {
            try {
                userSeconds = Long.parseLong(user.trim());
            } catch (NumberFormatException e) {
                return; // pgjdbc reports a bad connectTimeout itself
            }
        }
        if (userSeconds <= 0 || userSeconds > connectSeconds) {
            sent.setProperty(PGProperty.CONNECT_TIMEOUT.getName(), Long.toString(connectSeconds));
        }
    }
}
