package io.lava.jdbc;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.request.DataSourceSettings;
import java.io.PrintWriter;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;
import javax.sql.DataSource;
import org.postgresql.PGProperty;

/**
 * A {@link DataSource} for a lava connection: configured with JavaBean setters (by hand, by a pool such as HikariCP
 * through {@code dataSourceClassName} and {@code dataSource.*}, by Spring's binder, or through JNDI with
 * {@link LavaPgDataSourceFactory}), it opens connections exactly as {@link LavaPgDriver} does.
 *
 * <pre>{@code
 * LavaPgDataSource ds = new LavaPgDataSource();
 * ds.setRealm("prod");
 * ds.setConnId("warehouse");
 * ds.setApplicationName("nightly-load");
 * try (Connection c = ds.getConnection()) { ... }   // pgjdbc's own connection
 * }</pre>
 *
 * <p><b>What is connected to.</b> Either {@link #setRealm realm} + {@link #setConnId connId}, or a whole
 * {@link #setUrl url} ({@code jdbc:lava-pg:...}, grammar as for the driver); {@code realm} may accompany a URL that
 * names only a conn_id (a realm in the URL path wins). Without a realm anywhere, {@code LAVA_REALM} is used.
 *
 * <p><b>Settings.</b> One setter and getter per driver property, named {@code set}/{@code get} + the
 * {@link LavaPgProperty} name with its first letter upper-cased ({@code setConnectionsTable}, {@code setRecordTtl},
 * ...), taking a {@code String} for a string property and an {@code int} for seconds and ports; name, default and range
 * are the enum's, as for the driver. Setters for the pgjdbc properties a pool user commonly sets
 * ({@code ApplicationName}, {@code connectTimeout}, {@code socketTimeout}, {@code sslmode}, {@code sslrootcert},
 * {@code options}, ...; their getters report pgjdbc's {@code PGProperty} default when unset), and
 * {@link #setPgProperties pgProperties} for any other pgjdbc property. Every setter takes one argument and no setter
 * name is overloaded, so reflective configurers that pick a method by name (HikariCP's {@code PropertyElf}) always find
 * the right one; HikariCP's {@code dataSource.ApplicationName} and {@code dataSource.applicationName} both reach
 * {@link #setApplicationName}. A {@code null} or blank string unsets a setting. Values are checked when a connection is
 * opened, with the driver's own rules and messages ({@code 08001}).
 *
 * <p><b>User and password.</b> They always come from the lava record: {@link #getConnection(String, String)} ignores
 * its arguments, and {@code user}/{@code password} in {@code pgProperties} are ignored as by the driver.
 *
 * <p>Thread-safe: settings may be read and written concurrently with {@link #getConnection()}, which works on a
 * snapshot. Unpooled: every {@code getConnection()} opens a new PostgreSQL connection (records and passwords come from
 * the driver's caches, shared by the class loader's engine); put a pool in front of it for applications.
 */
public class LavaPgDataSource implements DataSource, Referenceable, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(LavaPgDataSource.class.getName());
    private static final LavaPgDriver DRIVER = new LavaPgDriver();

    /** Setting name to value, as strings; what {@link #getReference()} and serialization carry. */
    private final ConcurrentSkipListMap<String, String> settings = new ConcurrentSkipListMap<>();
    private transient volatile PrintWriter logWriter;

    /** Creates a data source with nothing set. */
    public LavaPgDataSource() {
    }

    // ---- connecting ----------------------------------------------------------------------------

    /**
     * Opens a connection, exactly as {@code DriverManager.getConnection(url, properties)} would with the URL and
     * properties these settings describe: {@code jdbc:lava-pg:<connId>} (or the {@code url} as set) and every other
     * setting as a property, {@code pgProperties} underneath the settings that have their own setter.
     *
     * @return pgjdbc's own connection ({@code unwrap(PGConnection.class)} works)
     * @throws SQLException {@code 08001} when neither {@code connId} nor {@code url} is set, when both are, when the
     *     {@code url} does not start with {@code jdbc:lava-pg:}, or when a setting is invalid; otherwise the driver's
     *     SQLStates ({@code 08001}, {@code 28000}, {@code 0A000}, and pgjdbc's own such as {@code 28P01}: see
     *     {@link LavaPgDriver})
     */
    @Override
    public Connection getConnection() throws SQLException {
        Map<String, String> snapshot = snapshot();
        return DRIVER.connect(DataSourceSettings.url(snapshot), DataSourceSettings.properties(snapshot));
    }

    /** @return a sorted copy of the settings, name to value as strings */
    Map<String, String> snapshot() {
        return new TreeMap<>(settings);
    }

    /**
     * Same as {@link #getConnection()}: {@code user} and {@code password} are <em>ignored</em>, because the lava
     * record decides who connects (pools and tools that always pass credentials keep working).
     *
     * @param user ignored
     * @param password ignored, never logged
     * @return pgjdbc's own connection
     * @throws SQLException as {@link #getConnection()}
     */
    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        if (user != null || password != null) {
            LOG.log(Level.FINE, "getConnection with a user and a password: both ignored, the lava record "
                    + "supplies them");
        }
        return getConnection();
    }

    // ---- what to connect to --------------------------------------------------------------------

    /** @param url a whole {@code jdbc:lava-pg:} URL, instead of {@code realm} + {@code connId}; query parameters in it
     *     win over the other settings, as URL parameters win over properties in the driver */
    public void setUrl(String url) {
        put(DataSourceSettings.URL, url);
    }

    /** @return the URL as set, or {@code null} */
    public String getUrl() {
        return settings.get(DataSourceSettings.URL);
    }

    /** @param connId the lava conn_id (any characters; encoded for the URL here) */
    public void setConnId(String connId) {
        put(DataSourceSettings.CONN_ID, connId);
    }

    /** @return the conn_id, or {@code null} */
    public String getConnId() {
        return settings.get(DataSourceSettings.CONN_ID);
    }

    // ---- the driver's own properties: name, type, range and default from LavaPgProperty ---------

    /** @param realm see {@link LavaPgProperty#REALM}; {@code null} or blank unsets it */
    public void setRealm(String realm) {
        LavaPgProperty.REALM.set(settings, realm);
    }

    /** @return {@link LavaPgProperty#REALM} as set, else its default (may be {@code null}) */
    public String getRealm() {
        return LavaPgProperty.REALM.get(settings);
    }

    /** @param table see {@link LavaPgProperty#CONNECTIONS_TABLE}; {@code null} or blank unsets it */
    public void setConnectionsTable(String table) {
        LavaPgProperty.CONNECTIONS_TABLE.set(settings, table);
    }

    /** @return {@link LavaPgProperty#CONNECTIONS_TABLE} as set, else its default (may be {@code null}) */
    public String getConnectionsTable() {
        return LavaPgProperty.CONNECTIONS_TABLE.get(settings);
    }

    /** @param path see {@link LavaPgProperty#CONNECTIONS_FILE}; {@code null} or blank unsets it */
    public void setConnectionsFile(String path) {
        LavaPgProperty.CONNECTIONS_FILE.set(settings, path);
    }

    /** @return {@link LavaPgProperty#CONNECTIONS_FILE} as set, else its default (may be {@code null}) */
    public String getConnectionsFile() {
        return LavaPgProperty.CONNECTIONS_FILE.get(settings);
    }

    /** @param region see {@link LavaPgProperty#AWS_REGION}; {@code null} or blank unsets it */
    public void setAwsRegion(String region) {
        LavaPgProperty.AWS_REGION.set(settings, region);
    }

    /** @return {@link LavaPgProperty#AWS_REGION} as set, else its default (may be {@code null}) */
    public String getAwsRegion() {
        return LavaPgProperty.AWS_REGION.get(settings);
    }

    /** @param profile see {@link LavaPgProperty#AWS_PROFILE}; {@code null} or blank unsets it */
    public void setAwsProfile(String profile) {
        LavaPgProperty.AWS_PROFILE.set(settings, profile);
    }

    /** @return {@link LavaPgProperty#AWS_PROFILE} as set, else its default (may be {@code null}) */
    public String getAwsProfile() {
        return LavaPgProperty.AWS_PROFILE.get(settings);
    }

    /** @param endpointUrl see {@link LavaPgProperty#AWS_ENDPOINT_URL}; {@code null} or blank unsets it */
    public void setAwsEndpointUrl(String endpointUrl) {
        LavaPgProperty.AWS_ENDPOINT_URL.set(settings, endpointUrl);
    }

    /** @return {@link LavaPgProperty#AWS_ENDPOINT_URL} as set, else its default (may be {@code null}) */
    public String getAwsEndpointUrl() {
        return LavaPgProperty.AWS_ENDPOINT_URL.get(settings);
    }

    /** @param seconds see {@link LavaPgProperty#RECORD_TTL}; checked when a connection is opened */
    public void setRecordTtl(int seconds) {
        LavaPgProperty.RECORD_TTL.set(settings, seconds);
    }

    /** @return {@link LavaPgProperty#RECORD_TTL} as set, else its default, else 0 */
    public int getRecordTtl() {
        return LavaPgProperty.RECORD_TTL.getInt(settings);
    }

    /** @param seconds see {@link LavaPgProperty#PARAMETER_TTL}; checked when a connection is opened */
    public void setParameterTtl(int seconds) {
        LavaPgProperty.PARAMETER_TTL.set(settings, seconds);
    }

    /** @return {@link LavaPgProperty#PARAMETER_TTL} as set, else its default, else 0 */
    public int getParameterTtl() {
        return LavaPgProperty.PARAMETER_TTL.getInt(settings);
    }

    /** @param seconds see {@link LavaPgProperty#SECRET_TTL}; checked when a connection is opened */
    public void setSecretTtl(int seconds) {
        LavaPgProperty.SECRET_TTL.set(settings, seconds);
    }

    /** @return {@link LavaPgProperty#SECRET_TTL} as set, else its default, else 0 */
    public int getSecretTtl() {
        return LavaPgProperty.SECRET_TTL.getInt(settings);
    }

    /** @param seconds see {@link LavaPgProperty#MAX_STALE}; checked when a connection is opened */
    public void setMaxStale(int seconds) {
        LavaPgProperty.MAX_STALE.set(settings, seconds);
    }

    /** @return {@link LavaPgProperty#MAX_STALE} as set, else its default, else 0 */
    public int getMaxStale() {
        return LavaPgProperty.MAX_STALE.getInt(settings);
    }

    /** @param seconds see {@link LavaPgProperty#AWS_API_CALL_TIMEOUT}; checked when a connection is opened */
    public void setAwsApiCallTimeout(int seconds) {
        LavaPgProperty.AWS_API_CALL_TIMEOUT.set(settings, seconds);
    }

    /** @return {@link LavaPgProperty#AWS_API_CALL_TIMEOUT} as set, else its default, else 0 */
    public int getAwsApiCallTimeout() {
        return LavaPgProperty.AWS_API_CALL_TIMEOUT.getInt(settings);
    }

    /** @param seconds see {@link LavaPgProperty#AWS_API_CALL_ATTEMPT_TIMEOUT}; checked when a connection is opened */
    public void setAwsApiCallAttemptTimeout(int seconds) {
        LavaPgProperty.AWS_API_CALL_ATTEMPT_TIMEOUT.set(settings, seconds);
    }

    /** @return {@link LavaPgProperty#AWS_API_CALL_ATTEMPT_TIMEOUT} as set, else its default, else 0 */
    public int getAwsApiCallAttemptTimeout() {
        return LavaPgProperty.AWS_API_CALL_ATTEMPT_TIMEOUT.getInt(settings);
    }

    /**
     * @param database another database on the record's server, with the record's host, port, user, credentials and
     *     TLS ({@link LavaPgProperty#DATABASE}); {@code null} or blank: the record's database
     */
    public void setDatabase(String database) {
        LavaPgProperty.DATABASE.set(settings, database);
    }

    /** @return {@link LavaPgProperty#DATABASE} as set, else {@code null} (the record's database) */
    public String getDatabase() {
        return LavaPgProperty.DATABASE.get(settings);
    }

    /** @param host see {@link LavaPgProperty#IAM_HOST}; {@code null} or blank unsets it */
    public void setIamHost(String host) {
        LavaPgProperty.IAM_HOST.set(settings, host);
    }

    /** @return {@link LavaPgProperty#IAM_HOST} as set, else its default (may be {@code null}) */
    public String getIamHost() {
        return LavaPgProperty.IAM_HOST.get(settings);
    }

    /** @param port see {@link LavaPgProperty#IAM_PORT}; checked when a connection is opened */
    public void setIamPort(int port) {
        LavaPgProperty.IAM_PORT.set(settings, port);
    }

    /** @return {@link LavaPgProperty#IAM_PORT} as set, else its default, else 0 */
    public int getIamPort() {
        return LavaPgProperty.IAM_PORT.getInt(settings);
    }

    /** @param seconds see {@link LavaPgProperty#IAM_TOKEN_TTL}; checked when a connection is opened */
    public void setIamTokenTtl(int seconds) {
        LavaPgProperty.IAM_TOKEN_TTL.set(settings, seconds);
    }

    /** @return {@link LavaPgProperty#IAM_TOKEN_TTL} as set, else its default, else 0 */
    public int getIamTokenTtl() {
        return LavaPgProperty.IAM_TOKEN_TTL.getInt(settings);
    }

    // ---- pgjdbc properties, passed through unchanged; defaults from pgjdbc's PGProperty ----------

    /**
     * @param name pgjdbc {@code ApplicationName}; unset: lava's session name (the {@code LAVA_CONN_APP_NAME} template,
     *     else {@code lv-<realm>-<job_id>}, else {@code lv-<realm>-<conn_id>}; docs/connecting.md, "How a connection is resolved")
     */
    public void setApplicationName(String name) {
        put(PGProperty.APPLICATION_NAME.getName(), name);
    }

    /** @return the application name as set, or {@code null} (lava's session name) */
    public String getApplicationName() {
        return settings.get(PGProperty.APPLICATION_NAME.getName());
    }

    /** @param seconds pgjdbc {@code connectTimeout}: socket connect timeout, 0 = none */
    public void setConnectTimeout(int seconds) {
        put(PGProperty.CONNECT_TIMEOUT.getName(), String.valueOf(seconds));
    }

    /** @return the connect timeout in seconds, else pgjdbc's default */
    public int getConnectTimeout() {
        return intSetting(PGProperty.CONNECT_TIMEOUT);
    }

    /** @param seconds pgjdbc {@code socketTimeout}: read timeout, 0 = none */
    public void setSocketTimeout(int seconds) {
        put(PGProperty.SOCKET_TIMEOUT.getName(), String.valueOf(seconds));
    }

    /** @return the socket timeout in seconds, else pgjdbc's default */
    public int getSocketTimeout() {
        return intSetting(PGProperty.SOCKET_TIMEOUT);
    }

    /** @param mode pgjdbc {@code sslmode}; the record's {@code ssl_mode} wins when stricter (see the driver) */
    public void setSslmode(String mode) {
        put(PGProperty.SSL_MODE.getName(), mode);
    }

    /** @return the sslmode as set, or {@code null} */
    public String getSslmode() {
        return settings.get(PGProperty.SSL_MODE.getName());
    }

    /**
     * @param path pgjdbc {@code sslrootcert}: CA bundle file; refused (0A000) when the record has {@code ssl_ca_file}
     *     or verifies ({@code verify-ca}/{@code verify-full})
     */
    public void setSslrootcert(String path) {
        put(PGProperty.SSL_ROOT_CERT.getName(), path);
    }

    /** @return the CA bundle as set, or {@code null} */
    public String getSslrootcert() {
        return settings.get(PGProperty.SSL_ROOT_CERT.getName());
    }

    /** @param options pgjdbc {@code options}: server settings, e.g. {@code -c search_path=etl} */
    public void setOptions(String options) {
        put(PGProperty.OPTIONS.getName(), options);
    }

    /** @return the options as set, or {@code null} */
    public String getOptions() {
        return settings.get(PGProperty.OPTIONS.getName());
    }

    /** @param schema pgjdbc {@code currentSchema}: the schema search path */
    public void setCurrentSchema(String schema) {
        put(PGProperty.CURRENT_SCHEMA.getName(), schema);
    }

    /** @return the schema as set, or {@code null} */
    public String getCurrentSchema() {
        return settings.get(PGProperty.CURRENT_SCHEMA.getName());
    }

    /** @param enabled pgjdbc {@code tcpKeepAlive} */
    public void setTcpKeepAlive(boolean enabled) {
        put(PGProperty.TCP_KEEP_ALIVE.getName(), String.valueOf(enabled));
    }

    /** @return whether TCP keep-alive is on, else pgjdbc's default */
    public boolean getTcpKeepAlive() {
        return Boolean.parseBoolean(setting(PGProperty.TCP_KEEP_ALIVE));
    }

    /** @param enabled pgjdbc {@code reWriteBatchedInserts} */
    public void setReWriteBatchedInserts(boolean enabled) {
        put(PGProperty.REWRITE_BATCHED_INSERTS.getName(), String.valueOf(enabled));
    }

    /** @return whether batched inserts are rewritten, else pgjdbc's default */
    public boolean getReWriteBatchedInserts() {
        return Boolean.parseBoolean(setting(PGProperty.REWRITE_BATCHED_INSERTS));
    }

    /** @param rows pgjdbc {@code defaultRowFetchSize}: rows per fetch, 0 = all */
    public void setDefaultRowFetchSize(int rows) {
        put(PGProperty.DEFAULT_ROW_FETCH_SIZE.getName(), String.valueOf(rows));
    }

    /** @return rows per fetch, else pgjdbc's default */
    public int getDefaultRowFetchSize() {
        return intSetting(PGProperty.DEFAULT_ROW_FETCH_SIZE);
    }

    /** @param executions pgjdbc {@code prepareThreshold}: executions before a server-side prepare */
    public void setPrepareThreshold(int executions) {
        put(PGProperty.PREPARE_THRESHOLD.getName(), String.valueOf(executions));
    }

    /** @return the prepare threshold, else pgjdbc's default */
    public int getPrepareThreshold() {
        return intSetting(PGProperty.PREPARE_THRESHOLD);
    }

    /**
     * Any other pgjdbc property, written like a URL query: {@code key=value&key=value}, percent-encoded UTF-8,
     * {@code +} for a space (e.g. {@code targetServerType=primary&options=-c%20statement_timeout%3D5000}). Settings
     * with their own setter win over an entry here.
     *
     * @param properties the properties, or {@code null}/blank to unset
     * @throws IllegalArgumentException on bad percent-encoding or an entry without a key (the message names the key,
     *     never a value)
     */
    public void setPgProperties(String properties) {
        if (properties != null && !properties.isBlank()) {
            DataSourceSettings.decodePgProperties(properties);
        }
        put(DataSourceSettings.PG_PROPERTIES, properties);
    }

    /** @return the pgjdbc properties as set, or {@code null} */
    public String getPgProperties() {
        return settings.get(DataSourceSettings.PG_PROPERTIES);
    }

    // ---- DataSource, Wrapper, Referenceable ----------------------------------------------------

    /**
     * Sets pgjdbc's {@code loginTimeout}: how long opening the PostgreSQL connection may take. When shorter than
     * {@code awsApiCallTimeout}, it also caps each AWS call of the lava steps before it (DynamoDB, SSM, Secrets
     * Manager), as it does for the driver.
     *
     * @param seconds the timeout in seconds; 0 (the initial value) means the default:
     *     {@link java.sql.DriverManager#getLoginTimeout()} for the AWS calls, none for pgjdbc
     */
    @Override
    public void setLoginTimeout(int seconds) {
        put(PGProperty.LOGIN_TIMEOUT.getName(), String.valueOf(seconds));
    }

    /** @return the login timeout in seconds; 0 when not set */
    @Override
    public int getLoginTimeout() {
        return intSetting(PGProperty.LOGIN_TIMEOUT);
    }

    /**
     * Kept for the {@link DataSource} contract; nothing is written to it: the driver logs through
     * {@code java.util.logging} (see {@link #getParentLogger()}).
     *
     * @param out a writer, or {@code null}
     */
    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** @return the writer last set, or {@code null} (initially; also after deserialization) */
    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    /** @return the JUL logger {@code io.lava.jdbc}, parent of every logger in the driver */
    @Override
    public Logger getParentLogger() {
        return DRIVER.getParentLogger();
    }

    /**
     * @param iface an interface or class
     * @return this data source, when it is an instance of {@code iface}
     * @throws SQLException ({@code 0A000}) otherwise
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface != null && iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException(getClass().getName() + " is not a wrapper for " + iface, Errors.NOT_SUPPORTED);
    }

    /** @return whether this data source is an instance of {@code iface} */
    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface != null && iface.isInstance(this);
    }

    /**
     * A JNDI reference holding every setting as a {@link StringRefAddr} named as the setting ({@code realm},
     * {@code connId}, {@code awsRegion}, {@code ApplicationName}, ...); {@link LavaPgDataSourceFactory} rebuilds an
     * equal data source from it.
     *
     * @return a reference whose factory is {@link LavaPgDataSourceFactory}
     */
    @Override
    public Reference getReference() {
        Reference reference = new Reference(getClass().getName(), LavaPgDataSourceFactory.class.getName(), null);
        settings.forEach((name, value) -> reference.add(new StringRefAddr(name, value)));
        return reference;
    }

    /**
     * Sets one setting from its string form, as {@link LavaPgDataSourceFactory} does for each reference address.
     *
     * @throws IllegalArgumentException when {@code name} is not a setting or the value is not of its type
     */
    void setFromString(String name, String value) {
        DataSourceSettings.validate(name, value);
        put(name, value);
    }

    /** @return every setting, realm and conn_id first; values of password-like keys in {@code url} and
     *     {@code pgProperties} masked */
    @Override
    public String toString() {
        return DataSourceSettings.describe(settings);
    }

    // ---- storage -------------------------------------------------------------------------------

    private void put(String name, String value) {
        if (value == null || value.isBlank()) {
            settings.remove(name);
        } else {
            settings.put(name, value.trim());
        }
    }

    /** The value as set, else pgjdbc's default, else {@code null}. */
    private String setting(PGProperty property) {
        String value = settings.get(property.getName());
        return value != null ? value : property.getDefaultValue();
    }

    private int intSetting(PGProperty property) {
        String value = setting(property);
        return value == null ? 0 : Integer.parseInt(value);
    }
}
