package io.lava.jdbc;

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
 * <p><b>Settings.</b> One setter per driver property ({@link LavaPgProperty}: {@code setConnectionsTable},
 * {@code setAwsRegion}, {@code setRecordTtl}, ...), setters for the pgjdbc properties a pool user commonly sets
 * ({@code ApplicationName}, {@code connectTimeout}, {@code socketTimeout}, {@code sslmode}, {@code sslrootcert},
 * {@code options}, ...), and {@link #setPgProperties pgProperties} for any other pgjdbc property. Every setter takes
 * one argument and no setter name is overloaded, so reflective configurers that pick a method by name (HikariCP's
 * {@code PropertyElf}) always find the right one. A setter name is {@code set} + the property name with its first
 * letter upper-cased, so HikariCP's {@code dataSource.ApplicationName} and {@code dataSource.applicationName} both
 * reach {@link #setApplicationName}. A {@code null} or blank string unsets a setting. Values are validated when a
 * connection is opened, with the driver's own rules and messages.
 *
 * <p><b>User and password.</b> They always come from the lava record: {@link #getConnection(String, String)} ignores
 * its arguments, and {@code user}/{@code password} in {@code pgProperties} are ignored as by the driver.
 *
 * <p>Thread-safe: settings may be read and written concurrently with {@link #getConnection()}, which works on a
 * snapshot. Unpooled: every {@code getConnection()} opens a new PostgreSQL connection (records and passwords come from
 * the driver's JVM-wide caches); put a pool in front of it for applications.
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

    // ---- the driver's own properties: one setter per LavaPgProperty ----------------------------

    /** @param realm the lava realm ({@link LavaPgProperty#REALM}); default {@code LAVA_REALM} */
    public void setRealm(String realm) {
        put(LavaPgProperty.REALM, realm);
    }

    /** @return the realm, or {@code null} */
    public String getRealm() {
        return settings.get(LavaPgProperty.REALM.getName());
    }

    /** @param table DynamoDB table of records ({@link LavaPgProperty#CONNECTIONS_TABLE});
     *     default {@code lava.<realm>.connections} */
    public void setConnectionsTable(String table) {
        put(LavaPgProperty.CONNECTIONS_TABLE, table);
    }

    /** @return the table as set, or {@code null} */
    public String getConnectionsTable() {
        return settings.get(LavaPgProperty.CONNECTIONS_TABLE.getName());
    }

    /** @param path local JSON file of records read instead of DynamoDB ({@link LavaPgProperty#CONNECTIONS_FILE}) */
    public void setConnectionsFile(String path) {
        put(LavaPgProperty.CONNECTIONS_FILE, path);
    }

    /** @return the file as set, or {@code null} */
    public String getConnectionsFile() {
        return settings.get(LavaPgProperty.CONNECTIONS_FILE.getName());
    }

    /** @param region AWS region ({@link LavaPgProperty#AWS_REGION}); default: the SDK's region chain */
    public void setAwsRegion(String region) {
        put(LavaPgProperty.AWS_REGION, region);
    }

    /** @return the region as set, or {@code null} */
    public String getAwsRegion() {
        return settings.get(LavaPgProperty.AWS_REGION.getName());
    }

    /** @param profile AWS named profile ({@link LavaPgProperty#AWS_PROFILE}); default: the SDK's default chain */
    public void setAwsProfile(String profile) {
        put(LavaPgProperty.AWS_PROFILE, profile);
    }

    /** @return the profile as set, or {@code null} */
    public String getAwsProfile() {
        return settings.get(LavaPgProperty.AWS_PROFILE.getName());
    }

    /** @param endpointUrl one http(s) endpoint for DynamoDB, SSM and Secrets Manager
     *     ({@link LavaPgProperty#AWS_ENDPOINT_URL}); default: the SDK's endpoint settings, else AWS */
    public void setAwsEndpointUrl(String endpointUrl) {
        put(LavaPgProperty.AWS_ENDPOINT_URL, endpointUrl);
    }

    /** @return the endpoint as set, or {@code null} */
    public String getAwsEndpointUrl() {
        return settings.get(LavaPgProperty.AWS_ENDPOINT_URL.getName());
    }

    /** @param seconds how long a record is cached, {@code >= 0} ({@link LavaPgProperty#RECORD_TTL}); default 60 */
    public void setRecordTtl(int seconds) {
        put(LavaPgProperty.RECORD_TTL, Integer.toString(seconds));
    }

    /** @return seconds a record is cached */
    public int getRecordTtl() {
        return intSetting(LavaPgProperty.RECORD_TTL.getName());
    }

    /** @param seconds how long an SSM value is cached, {@code >= 0} ({@link LavaPgProperty#PARAMETER_TTL});
     *     default 300 */
    public void setParameterTtl(int seconds) {
        put(LavaPgProperty.PARAMETER_TTL, Integer.toString(seconds));
    }

    /** @return seconds an SSM value is cached */
    public int getParameterTtl() {
        return intSetting(LavaPgProperty.PARAMETER_TTL.getName());
    }

    /** @param seconds how long a secret is cached, {@code >= 0} ({@link LavaPgProperty#SECRET_TTL}); default 300 */
    public void setSecretTtl(int seconds) {
        put(LavaPgProperty.SECRET_TTL, Integer.toString(seconds));
    }

    /** @return seconds a secret is cached */
    public int getSecretTtl() {
        return intSetting(LavaPgProperty.SECRET_TTL.getName());
    }

    /** @param seconds how long past its TTL a cached value is still served while AWS fails, {@code >= 0}
     *     ({@link LavaPgProperty#MAX_STALE}); default 3600 */
    public void setMaxStale(int seconds) {
        put(LavaPgProperty.MAX_STALE, Integer.toString(seconds));
    }

    /** @return seconds a stale value may still be served */
    public int getMaxStale() {
        return intSetting(LavaPgProperty.MAX_STALE.getName());
    }

    /** @param seconds time for one AWS API call, retries included, 1-3600
     *     ({@link LavaPgProperty#AWS_API_CALL_TIMEOUT}); default 10, capped by {@code loginTimeout} */
    public void setAwsApiCallTimeout(int seconds) {
        put(LavaPgProperty.AWS_API_CALL_TIMEOUT, Integer.toString(seconds));
    }

    /** @return seconds one AWS API call may take */
    public int getAwsApiCallTimeout() {
        return intSetting(LavaPgProperty.AWS_API_CALL_TIMEOUT.getName());
    }

    /** @param seconds time for one attempt of an AWS API call, 1-3600
     *     ({@link LavaPgProperty#AWS_API_CALL_ATTEMPT_TIMEOUT}); default 3 */
    public void setAwsApiCallAttemptTimeout(int seconds) {
        put(LavaPgProperty.AWS_API_CALL_ATTEMPT_TIMEOUT, Integer.toString(seconds));
    }

    /** @return seconds one attempt of an AWS API call may take */
    public int getAwsApiCallAttemptTimeout() {
        return intSetting(LavaPgProperty.AWS_API_CALL_ATTEMPT_TIMEOUT.getName());
    }

    /** @param host host an RDS IAM token is signed for ({@link LavaPgProperty#IAM_HOST}); default: the record's */
    public void setIamHost(String host) {
        put(LavaPgProperty.IAM_HOST, host);
    }

    /** @return the IAM host as set, or {@code null} */
    public String getIamHost() {
        return settings.get(LavaPgProperty.IAM_HOST.getName());
    }

    /** @param port port an RDS IAM token is signed for, 1-65535 ({@link LavaPgProperty#IAM_PORT});
     *     default: the record's */
    public void setIamPort(int port) {
        put(LavaPgProperty.IAM_PORT, Integer.toString(port));
    }

    /** @return the IAM port as set, or 0 (the record's port) */
    public int getIamPort() {
        return intSetting(LavaPgProperty.IAM_PORT.getName());
    }

    /** @param seconds how long an RDS IAM token is reused, 1-870 ({@link LavaPgProperty#IAM_TOKEN_TTL}); default 840 */
    public void setIamTokenTtl(int seconds) {
        put(LavaPgProperty.IAM_TOKEN_TTL, Integer.toString(seconds));
    }

    /** @return seconds an RDS IAM token is reused */
    public int getIamTokenTtl() {
        return intSetting(LavaPgProperty.IAM_TOKEN_TTL.getName());
    }

    // ---- pgjdbc properties ---------------------------------------------------------------------

    /** @param name pgjdbc {@code ApplicationName}; default lava's session name {@code lv-<realm>-<conn_id>} */
    public void setApplicationName(String name) {
        put("ApplicationName", name);
    }

    /** @return the application name as set, or {@code null} (lava's session name) */
    public String getApplicationName() {
        return settings.get("ApplicationName");
    }

    /** @param seconds pgjdbc {@code connectTimeout}: socket connect timeout, 0 = none; pgjdbc's default 10 */
    public void setConnectTimeout(int seconds) {
        put("connectTimeout", Integer.toString(seconds));
    }

    /** @return the connect timeout in seconds */
    public int getConnectTimeout() {
        return intSetting("connectTimeout");
    }

    /** @param seconds pgjdbc {@code socketTimeout}: read timeout, 0 = none (pgjdbc's default) */
    public void setSocketTimeout(int seconds) {
        put("socketTimeout", Integer.toString(seconds));
    }

    /** @return the socket timeout in seconds */
    public int getSocketTimeout() {
        return intSetting("socketTimeout");
    }

    /** @param mode pgjdbc {@code sslmode}; the record's {@code ssl_mode} wins when stricter (see the driver) */
    public void setSslmode(String mode) {
        put("sslmode", mode);
    }

    /** @return the sslmode as set, or {@code null} */
    public String getSslmode() {
        return settings.get("sslmode");
    }

    /** @param path pgjdbc {@code sslrootcert}: CA bundle file; wins over the record's {@code ssl_ca_file} */
    public void setSslrootcert(String path) {
        put("sslrootcert", path);
    }

    /** @return the CA bundle as set, or {@code null} */
    public String getSslrootcert() {
        return settings.get("sslrootcert");
    }

    /** @param options pgjdbc {@code options}: server settings, e.g. {@code -c search_path=etl} */
    public void setOptions(String options) {
        put("options", options);
    }

    /** @return the options as set, or {@code null} */
    public String getOptions() {
        return settings.get("options");
    }

    /** @param schema pgjdbc {@code currentSchema}: the schema search path */
    public void setCurrentSchema(String schema) {
        put("currentSchema", schema);
    }

    /** @return the schema as set, or {@code null} */
    public String getCurrentSchema() {
        return settings.get("currentSchema");
    }

    /** @param enabled pgjdbc {@code tcpKeepAlive}; default {@code false} */
    public void setTcpKeepAlive(boolean enabled) {
        put("tcpKeepAlive", Boolean.toString(enabled));
    }

    /** @return whether TCP keep-alive is on */
    public boolean getTcpKeepAlive() {
        return Boolean.parseBoolean(setting("tcpKeepAlive"));
    }

    /** @param enabled pgjdbc {@code reWriteBatchedInserts}; default {@code false} */
    public void setReWriteBatchedInserts(boolean enabled) {
        put("reWriteBatchedInserts", Boolean.toString(enabled));
    }

    /** @return whether batched inserts are rewritten */
    public boolean getReWriteBatchedInserts() {
        return Boolean.parseBoolean(setting("reWriteBatchedInserts"));
    }

    /** @param rows pgjdbc {@code defaultRowFetchSize}: rows per fetch, 0 = all (pgjdbc's default) */
    public void setDefaultRowFetchSize(int rows) {
        put("defaultRowFetchSize", Integer.toString(rows));
    }

    /** @return rows per fetch */
    public int getDefaultRowFetchSize() {
        return intSetting("defaultRowFetchSize");
    }

    /** @param executions pgjdbc {@code prepareThreshold}: executions before a server-side prepare; default 5 */
    public void setPrepareThreshold(int executions) {
        put("prepareThreshold", Integer.toString(executions));
    }

    /** @return the prepare threshold */
    public int getPrepareThreshold() {
        return intSetting("prepareThreshold");
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
        put(DataSourceSettings.LOGIN_TIMEOUT, Integer.toString(seconds));
    }

    /** @return the login timeout in seconds; 0 when not set */
    @Override
    public int getLoginTimeout() {
        return intSetting(DataSourceSettings.LOGIN_TIMEOUT);
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

    private void put(LavaPgProperty property, String value) {
        put(property.getName(), value);
    }

    private void put(String name, String value) {
        if (value == null || value.isBlank()) {
            settings.remove(name);
        } else {
            settings.put(name, value.trim());
        }
    }

    /** The value as set, else the driver's or pgjdbc's default, else {@code null}. */
    private String setting(String name) {
        String value = settings.get(name);
        return value != null ? value : DataSourceSettings.defaultValue(name);
    }

    private int intSetting(String name) {
        String value = setting(name);
        return value == null ? 0 : Integer.parseInt(value);
    }
}
