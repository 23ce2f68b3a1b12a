package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.Errors.Step;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.SslMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands a {@link ResolvedConnection} to pgjdbc: URL {@code jdbc:postgresql://host:port/database} with no parameters,
 * {@code user} and {@code password} from the record, every pass-through property unchanged, and a default
 * {@code ApplicationName}.
 */
final public class PgDelegate {
    private static final Logger LOG = Logger.getLogger(PgDelegate.class.getName());

    /** PostgreSQL's limit on {@code application_name}: NAMEDATALEN - 1 bytes. */
    public static final int MAX_APPLICATION_NAME_BYTES = 63;

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
     * @param env environment lookup, for {@code LAVA_JOB_ID}
     * @return a new {@link Properties}
     */
    public static Properties pgProperties(ConnectionOptions options, ResolvedConnection resolved,
                                          UnaryOperator<String> env) {
        Properties props = new Properties();
        props.putAll(options.pgProperties());
        props.setProperty("user", resolved.user());
        props.setProperty("password", resolved.password());
        applyTls(options, resolved, props);
        if (props.getProperty("ApplicationName") == null) {
            String jobId = ConnectionRef.blankToNull(env.apply("LAVA_JOB_ID"));
            props.setProperty("ApplicationName", applicationName(resolved.realm(),
                    jobId != null ? jobId : resolved.connId()));
        }
        return props;
    }

    /**
     * Sets {@code sslmode} to the stricter of the record's ({@code ssl_mode}/{@code ssl}) and the user's; with an IAM
     * token, at least {@code require} (lava's docs make TLS mandatory for IAM; this driver enforces it whatever the
     * record or URL says). The record's {@code ssl_ca_file} becomes {@code sslrootcert} unless the user set one.
     *
     * <p>{@code verify-ca} / {@code verify-full} with no CA file (neither the record's {@code ssl_ca_file} nor the
     * user's {@code sslrootcert}) and no user {@code sslfactory}: {@code sslfactory} becomes pgjdbc's
     * {@link org.postgresql.ssl.DefaultJavaSSLFactory}, which verifies the server's chain against the JVM's trust store
     * ({@code javax.net.ssl.trustStore}, else the JDK's {@code cacerts}), as lava 8.3 verifies against the system store
     * ({@code lava/lib/ssl.py}). pgjdbc's {@code MakeSSL} checks the host name for {@code verify-full} whatever the
     * factory, so {@code verify-full} still verifies the host name; {@code verify-ca} does not.
     */
    public static void applyTls(ConnectionOptions options, ResolvedConnection resolved, Properties props) {
        SslMode mode = SslMode.stricter(resolved.sslMode(), options.sslMode());
        if (resolved.passwordSource() == ResolvedConnection.PasswordSource.IAM_TOKEN
                && (mode == null || mode.compareTo(SslMode.REQUIRE) < 0)) {
            LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': sslmode {2} raised to require: an IAM token only "
                    + "travels over TLS", new Object[] {resolved.realm(), resolved.connId(),
                            mode == null ? "(not set)" : mode.pgName()});
            mode = SslMode.REQUIRE;
        }
        if (mode != null) {
            props.setProperty("sslmode", mode.pgName());
        }
        if (resolved.sslCaFile() != null && props.getProperty("sslrootcert") == null) {
            props.setProperty("sslrootcert", resolved.sslCaFile());
        }
        if (mode != null && mode.compareTo(SslMode.VERIFY_CA) >= 0 && props.getProperty("sslrootcert") == null
                && props.getProperty("sslfactory") == null) {
            props.setProperty("sslfactory", org.postgresql.ssl.DefaultJavaSSLFactory.class.getName());
        }
    }

    /**
     * lava's session name: {@code lv-<realm>-<job_id or conn_id>}, cut to at most 63 UTF-8 bytes on a character
     * boundary (PostgreSQL truncates {@code application_name} there).
     */
    public static String applicationName(String realm, String suffix) {
        String name = "lv-" + realm + "-" + suffix;
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_APPLICATION_NAME_BYTES) {
            return name;
        }
        int bytes = 0;
        int end = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > MAX_APPLICATION_NAME_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return name.substring(0, end);
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
        String url = pgUrl(resolved);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': connecting to {2} as {3} (password from {4})",
                    new Object[] {resolved.realm(), resolved.connId(), url, resolved.user(),
                            resolved.passwordSource()});
        }
        Properties sent = pgProperties(options, resolved, env);
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
            String state = e.getSQLState() != null ? e.getSQLState() : Errors.UNABLE_TO_CONNECT;
            String tls = TlsDiagnosis.hint(e, sent, resolved);
            String again = refreshed && credentialsRefused(e) ? "credentials were refreshed from their source and the "
                    + "server still refused them: " : "";
            throw Errors.at(resolved.realm(), resolved.connId(), Step.CONNECT, state, again + "PostgreSQL at "
                    + resolved.host() + ":" + resolved.port() + "/" + resolved.database() + " as user '"
                    + resolved.user() + "' failed: " + e.getMessage() + ". "
                    + (tls != null ? tls : hint(state, resolved)), e);
        }
    }

    /**
     * @return whether the server refused the credentials (SQLState {@code 28P01} invalid password, {@code 28000}
     *     invalid authorization, {@code 08004} connection rejected), so that fresh credentials may help
     */
    public static boolean credentialsRefused(SQLException e) {
        String state = e.getSQLState();
        return "28P01".equals(state) || "28000".equals(state) || "08004".equals(state);
    }

    private static String hint(String state, ResolvedConnection resolved) {
        if (state.startsWith("28")) {
            return switch (resolved.passwordSource()) {
                case SSM_PARAMETER, SECRET -> "The server refused the credentials resolved from the lava record "
                        + "(password from its " + (resolved.passwordSource()
                        == ResolvedConnection.PasswordSource.SECRET ? "secret" : "SSM parameter") + "); check that "
                        + "the stored password and user match the database";
                case IAM_TOKEN -> "The server refused the RDS IAM token; check that IAM authentication is enabled "
                        + "on the instance, the user has GRANT rds_iam, the AWS identity may rds-db:connect as this "
                        + "user, and the token's region and host (awsRegion, iamHost) match the database";
            };
        }
        if (state.startsWith("08")) {
            return "Check the record's host and port, and that this machine can reach the server";
        }
        return "See the PostgreSQL message above";
    }
}
