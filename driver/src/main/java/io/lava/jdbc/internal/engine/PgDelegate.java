package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.Errors.Step;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.request.ConnectDeadline;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.SslMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGProperty;

/**
 * Hands a {@link ResolvedConnection} to pgjdbc: URL {@code jdbc:postgresql://host:port/database} with no parameters,
 * {@code user} and {@code password} from the record, every pass-through property unchanged, and lava's
 * {@code ApplicationName} ({@link #applicationName}) unless the tool set one.
 */
final public class PgDelegate {
    private static final Logger LOG = Logger.getLogger(PgDelegate.class.getName());

    /** PostgreSQL's limit on {@code application_name}: NAMEDATALEN - 1 bytes. */
    public static final int MAX_APPLICATION_NAME_BYTES = 63;

    /** lava's default {@code CONN_APP_NAME}. */
    public static final String DEFAULT_APP_NAME_TEMPLATE = "lv-{{ realm }}-{{ job_id }}";

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
     * @param env environment lookup, for {@code LAVA_CONN_APP_NAME} and {@code LAVA_JOB_ID} ({@link #applicationName})
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
            props.setProperty("ApplicationName", applicationName(resolved.realm(), resolved.connId(), env));
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
     * The session name lava gives a connection ({@code CONN_APP_NAME} in lava 8.3's {@code lava/connection/core.py};
     * {@code ../shared/LAVA.md}, "Other fields"), used when the tool sets no {@code ApplicationName} of its own.
     *
     * <p>Rules, in order:
     * <ol>
     *   <li>The template is the {@code LAVA_CONN_APP_NAME} environment variable when it is set and not blank, else
     *       lava's default {@value #DEFAULT_APP_NAME_TEMPLATE}. (lava's realm configuration can also set
     *       {@code CONN_APP_NAME}; a Java process sees only the environment form.)</li>
     *   <li>The template is jinja-style: {@code {{realm}}}, {@code {{job_id}}} and {@code {{conn_id}}}, spaces inside
     *       the braces allowed ({@code {{ realm }}}). {@code realm} is the URL's realm, {@code job_id} is
     *       {@code LAVA_JOB_ID}, {@code conn_id} the conn_id. An unset {@code job_id}, or any other name, renders as
     *       nothing, as an undefined jinja variable does.</li>
     *   <li>Where this driver differs from lava: lava sets no name when there is no job id. Here, with no job id and
     *       no {@code LAVA_CONN_APP_NAME}, the name is {@code lv-<realm>-<conn_id>}, so that a session can still be
     *       traced to its record; a rendering that is empty after the next step gives the same fallback.</li>
     *   <li>Single quotes, double quotes and backslashes are removed from the result, as lava does.</li>
     *   <li>The result is cut to at most 63 UTF-8 bytes on a character boundary (PostgreSQL keeps NAMEDATALEN - 1
     *       bytes of {@code application_name}).</li>
     * </ol>
     *
     * @param realm the realm
     * @param connId the conn_id
     * @param env environment lookup ({@code LAVA_CONN_APP_NAME}, {@code LAVA_JOB_ID})
     * @return the name, never empty, at most {@value #MAX_APPLICATION_NAME_BYTES} UTF-8 bytes
     */
    public static String applicationName(String realm, String connId, UnaryOperator<String> env) {
        String jobId = ConnectionRef.blankToNull(env.apply("LAVA_JOB_ID"));
        String template = env.apply("LAVA_CONN_APP_NAME");
        String name = null;
        if (template != null && !template.isBlank()) {
            name = render(template, Map.of("realm", realm, "conn_id", connId, "job_id", jobId == null ? "" : jobId));
        } else if (jobId != null) {
            name = render(DEFAULT_APP_NAME_TEMPLATE, Map.of("realm", realm, "conn_id", connId, "job_id", jobId));
        }
        if (name == null || name.isBlank()) {
            name = strip("lv-" + realm + "-" + connId);
        }
        return cutToMaxBytes(name);
    }

    private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private static String render(String template, Map<String, String> variables) {
        Matcher m = TEMPLATE_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(variables.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return strip(out.toString());
    }

    private static String strip(String name) {
        return name.replace("'", "").replace("\"", "").replace("\\", "");
    }

    /** @return the name cut to at most 63 UTF-8 bytes on a character boundary */
    static String cutToMaxBytes(String name) {
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
        return connect(pgjdbc, options, resolved, env, refreshed, ConnectDeadline.none());
    }

    /**
     * As {@link #connect(org.postgresql.Driver, ConnectionOptions, ResolvedConnection, UnaryOperator, boolean)}
     * within the connect's deadline: pgjdbc gets the time left as its {@code loginTimeout} (seconds, with a fraction,
     * as pgjdbc reads it) and at most that, rounded up, as {@code connectTimeout}.
     *
     * @throws SQLException 08001 naming {@code loginTimeout} when the deadline passed before or during pgjdbc's connect
     */
    public static Connection connect(org.postgresql.Driver pgjdbc, ConnectionOptions options,
                                     ResolvedConnection resolved, UnaryOperator<String> env, boolean refreshed,
                                     ConnectDeadline deadline) throws SQLException {
        if (deadline.passed()) {
            throw Errors.at(resolved.realm(), resolved.connId(), Step.CONNECT,
                    deadline.expired("PostgreSQL at " + resolved.host() + ":" + resolved.port() + " was reached",
                            null));
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
            String again = refreshed && credentialsRefused(e) ? "credentials were refreshed from their source and the "
                    + "server still refused them: " : "";
            throw Errors.at(resolved.realm(), resolved.connId(), Step.CONNECT, state, again + "PostgreSQL at "
                    + resolved.host() + ":" + resolved.port() + "/" + resolved.database() + " as user '"
                    + resolved.user() + "' failed: " + e.getMessage() + ". "
                    + (tls != null ? tls : hint(state, resolved)), e);
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
