package io.lava.jdbc;

import java.sql.DriverPropertyInfo;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The connection properties that belong to the lava-pg driver itself.
 *
 * <p>Each property may be given as a URL query parameter ({@code jdbc:lava-pg:prod/warehouse?awsRegion=eu-west-1}) or
 * in the {@link Properties} passed to {@link java.sql.Driver#connect}; as in pgjdbc, the URL wins when both are set.
 * Every URL parameter or property <em>not</em> listed here is passed to pgjdbc unchanged ({@code ApplicationName},
 * {@code connectTimeout}, {@code sslmode}, {@code sslrootcert}, ...), except {@code user} and {@code password}, which
 * always come from the lava connection record.
 *
 * <p>This enum is the single list of the driver's own properties: parsing,
 * {@link java.sql.Driver#getPropertyInfo} and the README's property table all come from it (the pattern of pgjdbc's
 * {@code org.postgresql.PGProperty}).
 */
public enum LavaPgProperty {

    /**
     * The lava realm, used when the URL names only a conn_id ({@code jdbc:lava-pg:<conn_id>}). Falls back to the
     * {@code LAVA_REALM} environment variable. A realm in the URL path always wins.
     */
    REALM("realm", null,
            "lava realm, used when the URL is jdbc:lava-pg:<conn_id>; falls back to the LAVA_REALM environment "
                    + "variable"),

    /** DynamoDB table that holds the connection records. Default: {@code lava.<realm>.connections}. */
    CONNECTIONS_TABLE("connectionsTable", null,
            "DynamoDB table of connection records; default lava.<realm>.connections"),

    /**
     * Path of a local JSON file of connection records keyed by conn_id, read instead of DynamoDB (development, CI,
     * offline use). Falls back to the {@code LAVA_CONNECTIONS_FILE} environment variable.
     */
    CONNECTIONS_FILE("connectionsFile", null,
            "local JSON file of connection records keyed by conn_id, used instead of DynamoDB; "
                    + "falls back to the LAVA_CONNECTIONS_FILE environment variable"),

    /** AWS region of the lava realm's DynamoDB table, SSM parameters and secrets. Default: the SDK's region chain. */
    AWS_REGION("awsRegion", null,
            "AWS region; default: the AWS SDK default region chain (AWS_REGION, aws.region, profile)"),

    /** Named profile from the AWS shared config/credentials files. Default: the SDK's default chain. */
    AWS_PROFILE("awsProfile", null,
            "AWS named profile for credentials and region; default: the AWS SDK default chain (AWS_PROFILE)"),

    /**
     * One endpoint URL for every AWS service the driver calls, for tools where the SDK's own
     * {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>} environment variables cannot be set.
     */
    AWS_ENDPOINT_URL("awsEndpointUrl", null,
            "endpoint URL for all AWS calls (DynamoDB, SSM, Secrets Manager); default: the AWS SDK's "
                    + "AWS_ENDPOINT_URL[_<SERVICE>] environment variables and system properties, else AWS"),

    /** How long a connection record is cached, in seconds. 0 disables caching. */
    RECORD_TTL("recordTtl", "60",
            "seconds a connection record is cached; 0 disables caching"),

    /** How long an SSM parameter value is cached, in seconds. 0 disables caching. */
    PARAMETER_TTL("parameterTtl", "300",
            "seconds an SSM parameter value is cached; 0 disables caching"),

    /** How long a Secrets Manager secret is cached, in seconds. 0 disables caching. */
    SECRET_TTL("secretTtl", "300",
            "seconds a Secrets Manager secret is cached; 0 disables caching"),

    /**
     * How long past its TTL a cached record, parameter value or secret is still served while refreshing it fails (AWS
     * outage, throttling), in seconds. 0 never serves a value past its TTL. IAM tokens are never served past theirs.
     */
    MAX_STALE("maxStale", "3600",
            "seconds past its TTL a cached record, parameter or secret is still served while AWS fails; "
                    + "0 never serves a stale value"),

    /** Time allowed for one AWS API call including the SDK's retries, in seconds. */
    AWS_API_CALL_TIMEOUT("awsApiCallTimeout", "10",
            "seconds one AWS API call may take, retries included"),

    /** Time allowed for one attempt of an AWS API call (and for its TCP connect), in seconds. */
    AWS_API_CALL_ATTEMPT_TIMEOUT("awsApiCallAttemptTimeout", "3",
            "seconds one attempt of an AWS API call may take; retried with back-off (SDK standard retry mode)"),

    /**
     * Host name an RDS IAM token is signed for, when it differs from the record's host (SSH tunnel, custom DNS). The
     * connection still goes to the record's host. Default: the record's host.
     */
    IAM_HOST("iamHost", null,
            "host an RDS IAM token is signed for, when the record's host is a tunnel or alias; default: the "
                    + "record's host"),

    /** Port an RDS IAM token is signed for. Default: the record's port. */
    IAM_PORT("iamPort", null,
            "port an RDS IAM token is signed for; default: the record's port"),

    /**
     * How long an RDS IAM token is reused, in seconds: 1 to 870. Tokens are valid for 900 seconds (AWS RDS docs); a
     * fresh one is minted in the background once three quarters of this time have passed.
     */
    IAM_TOKEN_TTL("iamTokenTtl", "840",
            "seconds an RDS IAM token is reused (1-870; tokens are valid for 900); refreshed in the background "
                    + "after three quarters of it");

    /** Every property by name; {@link #forName} runs for each property of each connect. */
    private static final Map<String, LavaPgProperty> BY_NAME = byName();

    private final String name;
    private final String defaultValue;
    private final String description;

    LavaPgProperty(String name, String defaultValue, String description) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** @return the property name as written in a URL query or {@link Properties} key */
    public String getName() {
        return name;
    }

    /** @return the default value, or {@code null} when the property has no fixed default */
    public String getDefaultValue() {
        return defaultValue;
    }

    /** @return a one-line description, as shown by {@link java.sql.Driver#getPropertyInfo} */
    public String getDescription() {
        return description;
    }

    /**
     * Reads this property.
     *
     * @param properties the merged connection properties (never {@code null})
     * @return the value set in {@code properties}, else the default (possibly {@code null})
     */
    public String get(Properties properties) {
        return orDefault(properties.getProperty(name));
    }

    /**
     * Reads this property from parsed properties.
     *
     * @param properties name to value
     * @return the value set, trimmed, else the default (possibly {@code null})
     */
    String get(Map<String, String> properties) {
        return orDefault(properties.get(name));
    }

    private String orDefault(String value) {
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static Map<String, LavaPgProperty> byName() {
        return Stream.of(values()).collect(Collectors.toUnmodifiableMap(p -> p.name, p -> p));
    }

    /**
     * Finds the property with the given name.
     *
     * @param name a property name, case-sensitive as in pgjdbc
     * @return the property, or {@code null} when {@code name} is not one of the driver's own properties
     */
    public static LavaPgProperty forName(String name) {
        return name == null ? null : BY_NAME.get(name);
    }

    /**
     * Describes this property for {@link java.sql.Driver#getPropertyInfo}.
     *
     * @param properties current properties; the value shown is the one set there, else the default
     * @return a new {@link DriverPropertyInfo}; never required
     */
    public DriverPropertyInfo toDriverPropertyInfo(Properties properties) {
        DriverPropertyInfo info = new DriverPropertyInfo(name, get(properties));
        info.description = description;
        info.required = false;
        return info;
    }
}
