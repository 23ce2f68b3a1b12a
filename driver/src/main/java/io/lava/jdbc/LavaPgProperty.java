package io.lava.jdbc;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import java.sql.DriverPropertyInfo;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The connection properties that belong to the lava-pg driver itself, each with every fact about it: name,
 * {@link Type type} (and so unit), default, allowed range, environment-variable fallback and description. Parsing
 * ({@link io.lava.jdbc.internal.request.ConnectionOptions}), the {@link LavaPgDataSource} setters and getters and the JNDI checks of
 * {@link LavaPgDataSourceFactory}, {@link java.sql.Driver#getPropertyInfo} and the property table of docs/connecting.md (checked by
 * a unit test) all come from this enum, as pgjdbc's do from {@code org.postgresql.PGProperty}.
 *
 * <p><b>Input.</b> Each property may be given as a URL query parameter ({@code jdbc:lava-pg:prod/warehouse?recordTtl=30})
 * or in the {@link Properties} passed to {@link java.sql.Driver#connect}; when both are set the URL wins (pgjdbc's rule:
 * "If a property is specified both in URL and in Properties object, the value from Properties object is ignored",
 * <a href="https://jdbc.postgresql.org/documentation/use/">pgjdbc, Connecting to the Database</a>). A
 * {@link LavaPgDataSource} setter named {@code set} + the property name sets the same property. Values are trimmed; a
 * blank value counts as unset. Every URL parameter or property <em>not</em> listed here passes to pgjdbc unchanged
 * ({@code ApplicationName}, {@code connectTimeout}, {@code sslmode}, ...), except {@code user} and {@code password},
 * which always come from the lava record.
 *
 * <p><b>Types and output.</b> {@link Type#STRING}: any text, read as a {@link String}. {@link Type#SECONDS}: a whole
 * number of seconds in decimal (no unit suffix), read as a {@link Duration}. {@link Type#PORT}: a TCP port number, read
 * as an {@link Integer}. A number must lie from {@link #getMin()} to {@link #getMax()}; {@link #UNBOUNDED}, the largest
 * {@code int} (the data source setters take an {@code int}), stands for "no upper limit" and is written
 * {@code >= min}.
 *
 * <p><b>A bad value</b> fails the connect with SQLState {@code 08001} before any AWS call; the message names the
 * property, the bad value, what is allowed and the default, e.g. {@code property recordTtl='soon' is not a whole number
 * of seconds >= 0. Fix the property or leave it out (default 60)}. A JNDI lookup through
 * {@link LavaPgDataSourceFactory} applies the same type and range and fails with a {@code NamingException}.
 *
 * <p><b>Where the rules come from.</b>
 * <ul>
 *   <li>The realm and the default table: lava names a realm's connections table {@code lava.<realm>.connections}
 *       (lava user guide, "DynamoDB Tables: The Connections Table"), so a realm may hold only what a DynamoDB table
 *       name may: letters, digits, {@code _}, {@code .} and {@code -} (AWS DynamoDB developer guide, "Naming rules").
 *   <li>{@code iamTokenTtl} at most {@value #MAX_IAM_TOKEN_TTL_SECONDS}: an RDS IAM authentication token is valid for
 *       15 minutes, {@value #IAM_TOKEN_LIFETIME_SECONDS} seconds (<a
 *       href="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html">AWS RDS user guide,
 *       IAM database authentication</a>); reuse stops half a minute before that so a token is never sent expiring.
 *   <li>URL over {@link Properties}: pgjdbc, quoted above.
 *   <li>The other ranges are this driver's: TTLs and staleness from 0 (off), AWS call timeouts from 1 second to an
 *       hour, ports from 1 to 65535 (TCP).
 * </ul>
 */
public enum LavaPgProperty {

    /** The lava realm when the URL names only a conn_id ({@code jdbc:lava-pg:<conn_id>}); a realm in the URL wins. */
    REALM("realm", "LAVA_REALM", "lava realm, used when the URL is jdbc:lava-pg:<conn_id>"),

    /** DynamoDB table of connection records; unset: {@code lava.<realm>.connections}. */
    CONNECTIONS_TABLE("connectionsTable", null,
            "DynamoDB table of connection records; default " + connectionsTableOf("<realm>")),

    /** Local JSON file of records keyed by conn_id, read instead of DynamoDB (development, CI, offline use). */
    CONNECTIONS_FILE("connectionsFile", "LAVA_CONNECTIONS_FILE",
            "local JSON file of connection records keyed by conn_id, read instead of DynamoDB"),

    /**
     * Another database on the record's server: the connection keeps the record's host, port, user, credentials and
     * TLS, and only the database differs (a tool that lists every database of a server, such as DBeaver's "Show all
     * databases", reconnects per database with it). Unset or blank: the record's database. Not in an operator policy's
     * default {@code allowedProperties} (docs/security.md).
     */
    DATABASE("database", null,
            "another database on the record's server, with the record's host, port, user, credentials and TLS; "
                    + "default: the record's database"),

    /** AWS region of the realm's DynamoDB table, SSM parameters and secrets; unset: the SDK's region chain. */
    AWS_REGION("awsRegion", null,
            "AWS region; default: the AWS SDK's region chain (AWS_REGION, aws.region, the profile's region)"),

    /** Named profile of the AWS shared config and credentials files; unset: the SDK's default chain. */
    AWS_PROFILE("awsProfile", null,
            "AWS named profile for credentials and region; default: the AWS SDK's default chain (AWS_PROFILE)"),

    /** One http(s) endpoint for every AWS service the driver calls, where the SDK's variables cannot be set. */
    AWS_ENDPOINT_URL("awsEndpointUrl", null,
            "one endpoint URL for DynamoDB, SSM and Secrets Manager; default: the AWS SDK's own AWS_ENDPOINT_URL / "
                    + "AWS_ENDPOINT_URL_<SERVICE> environment variables and aws.endpointUrl* system properties, "
                    + "else AWS"),

    /** How long a connection record is cached; 0 disables caching. */
    RECORD_TTL("recordTtl", Type.SECONDS, "60", 0, LavaPgProperty.UNBOUNDED,
            "seconds a connection record is cached; 0 disables caching"),

    /** How long an SSM parameter value is cached; 0 disables caching. */
    PARAMETER_TTL("parameterTtl", Type.SECONDS, "300", 0, LavaPgProperty.UNBOUNDED,
            "seconds an SSM parameter value is cached; 0 disables caching"),

    /** How long a Secrets Manager secret is cached; 0 disables caching. */
    SECRET_TTL("secretTtl", Type.SECONDS, "300", 0, LavaPgProperty.UNBOUNDED,
            "seconds a Secrets Manager secret is cached; 0 disables caching"),

    /**
     * How long past its TTL a cached value is served while its source cannot be reached (throttling, 5xx, timeouts,
     * network); never once the source answers that it no longer holds (not found, not enabled, invalid, denied), and
     * never for IAM tokens.
     */
    MAX_STALE("maxStale", Type.SECONDS, "3600", 0, LavaPgProperty.UNBOUNDED,
            "seconds past its TTL a cached record, parameter or secret is still served while AWS cannot be reached "
                    + "(never once AWS answers it is gone, disabled or denied); 0 never serves a stale value"),

    /**
     * Time allowed for one AWS API call, the SDK's retries included; capped by what is left of pgjdbc's
     * {@code loginTimeout}. A throttled call is retried until it passes; 60 s lets a fleet that starts at once share a
     * service's rate (docs/caching.md).
     */
    AWS_API_CALL_TIMEOUT("awsApiCallTimeout", Type.SECONDS, "60", 1, 3600,
            "seconds one AWS API call may take, retries included: throttled calls are retried until it passes; "
                    + "what is left of loginTimeout caps it"),

    /** Time allowed for one attempt of an AWS API call (and its TCP connect); at most {@code awsApiCallTimeout}. */
    AWS_API_CALL_ATTEMPT_TIMEOUT("awsApiCallAttemptTimeout", Type.SECONDS, "3", 1, 3600,
            "seconds one attempt of an AWS API call may take, at most awsApiCallTimeout; a timed-out attempt is "
                    + "retried with back-off, 3 attempts in all"),

    /** Host an RDS IAM token is signed for when it differs from the record's (SSH tunnel, custom DNS). */
    IAM_HOST("iamHost", null,
            "host an RDS IAM token is signed for, when the record's host is a tunnel or alias; default: the "
                    + "record's host"),

    /** Port an RDS IAM token is signed for; unset: the record's port. */
    IAM_PORT("iamPort", Type.PORT, null, 1, 65535,
            "port an RDS IAM token is signed for; default: the record's port"),

    /** How long an RDS IAM token is reused; a fresh one is minted in the background after three quarters of it. */
    IAM_TOKEN_TTL("iamTokenTtl", Type.SECONDS, "840", 1, LavaPgProperty.MAX_IAM_TOKEN_TTL_SECONDS,
            "seconds an RDS IAM token is reused (a token is valid for "
                    + LavaPgProperty.IAM_TOKEN_LIFETIME_SECONDS + "); refreshed in the background after three "
                    + "quarters of it");

    /** The largest number any property takes, the largest {@code int}: read as "no upper limit". */
    public static final long UNBOUNDED = Integer.MAX_VALUE;
    /** How long an RDS IAM token is valid, in seconds: 15 minutes (AWS RDS user guide). */
    public static final long IAM_TOKEN_LIFETIME_SECONDS = 900;
    /** The longest {@code iamTokenTtl}, in seconds: half a minute below {@link #IAM_TOKEN_LIFETIME_SECONDS}. */
    public static final long MAX_IAM_TOKEN_TTL_SECONDS = IAM_TOKEN_LIFETIME_SECONDS - 30;

    /** What kind of value a property holds. */
    public enum Type {
        /** Any text. */
        STRING("string", null, null),
        /** A whole number of seconds, read as a {@link Duration}. */
        SECONDS("seconds", "seconds", "a whole number of seconds"),
        /** A TCP port number, read as an {@link Integer}. */
        PORT("port", null, "a port number");

        private final String label;
        private final String unit;
        private final String noun;

        Type(String label, String unit, String noun) {
            this.label = label;
            this.unit = unit;
            this.noun = noun;
        }

        /** @return the type as the property table of docs/connecting.md names it: {@code string}, {@code seconds} or {@code port} */
        public String getLabel() {
            return label;
        }

        /** @return {@code seconds} for {@link #SECONDS}, else {@code null} */
        public String getUnit() {
            return unit;
        }

        private boolean isNumber() {
            return this != STRING;
        }
    }

    /** Every property by name; {@link #forName} runs for each property of each connect. */
    private static final Map<String, LavaPgProperty> BY_NAME =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(p -> p.name, p -> p));

    private final String name;
    private final Type type;
    private final String defaultValue;
    private final Long min;
    private final Long max;
    private final String environmentVariable;
    private final String description;

    /** A string property without a fixed default, falling back to {@code environmentVariable} when not null. */
    LavaPgProperty(String name, String environmentVariable, String meaning) {
        this(name, Type.STRING, null, null, null, environmentVariable, meaning);
    }

    /** A number from {@code min} to {@code max}. */
    LavaPgProperty(String name, Type type, String defaultValue, long min, long max, String description) {
        this(name, type, defaultValue, min, max, null, description);
    }

    LavaPgProperty(String name, Type type, String defaultValue, Long min, Long max, String environmentVariable,
                   String meaning) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.environmentVariable = environmentVariable;
        this.description = environmentVariable == null ? meaning
                : meaning + "; falls back to the " + environmentVariable + " environment variable";
    }

    /** @return the property name as written in a URL query, a {@link Properties} key or a setter name */
    public String getName() {
        return name;
    }

    /** @return what kind of value the property holds */
    public Type getType() {
        return type;
    }

    /** @return the unit of the value ({@code seconds}), or {@code null} for a port or a string */
    public String getUnit() {
        return type.getUnit();
    }

    /** @return the default value, or {@code null} when the property has no fixed default */
    public String getDefaultValue() {
        return defaultValue;
    }

    /** @return the smallest value allowed, or {@code null} for a string */
    public Long getMin() {
        return min;
    }

    /** @return the largest value allowed ({@link #UNBOUNDED}: no upper limit), or {@code null} for a string */
    public Long getMax() {
        return max;
    }

    /** @return {@code ">= min"} or {@code "from min to max"}, or {@code null} for a string */
    public String getRange() {
        if (!type.isNumber()) {
            return null;
        }
        return max == UNBOUNDED ? ">= " + min : "from " + min + " to " + max;
    }

    /** @return what a value must be, e.g. {@code a whole number of seconds from 1 to 870}; {@code null} for a string */
    public String getAllowed() {
        return type.isNumber() ? type.noun + " " + getRange() : null;
    }

    /** @return the environment variable read when the property is unset, or {@code null} */
    public String getEnvironmentVariable() {
        return environmentVariable;
    }

    /** @return a one-line description, as shown by {@link java.sql.Driver#getPropertyInfo} and docs/connecting.md */
    public String getDescription() {
        return description;
    }

    /**
     * Reads this property, unchecked.
     *
     * @param properties the merged connection properties (never {@code null})
     * @return the value set in {@code properties}, trimmed, else the default (possibly {@code null})
     */
    public String get(Properties properties) {
        return orDefault(properties.getProperty(name));
    }

    /**
     * Reads this property from parsed properties or data source settings, unchecked.
     *
     * @param properties name to value
     * @return the value set, trimmed, else the default (possibly {@code null})
     */
    public String get(Map<String, String> properties) {
        return orDefault(properties.get(name));
    }

    /**
     * Reads this property, falling back to its {@link #getEnvironmentVariable() environment variable}.
     *
     * @param properties name to value
     * @param env environment lookup
     * @return the value set, else the variable's non-blank value, else the default (possibly {@code null})
     */
    public String get(Map<String, String> properties, UnaryOperator<String> env) {
        String value = get(properties);
        return value != null || environmentVariable == null ? value : orDefault(env.apply(environmentVariable));
    }

    /**
     * Reads a {@link Type#SECONDS} property.
     *
     * @param properties name to value
     * @return the duration set, else the default; {@code null} when neither
     * @throws SourceException (08001) naming the property, its value, the range and the default, when the value is not
     *     a whole number of seconds in range
     */
    public Duration getSeconds(Map<String, String> properties) {
        Long seconds = number(Type.SECONDS, properties);
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    /**
     * Reads a {@link Type#PORT} property.
     *
     * @param properties name to value
     * @return the port set, else the default; {@code null} when neither
     * @throws SourceException (08001) naming the property, its value and the range, when the value is not a port number
     */
    public Integer getPort(Map<String, String> properties) {
        Long port = number(Type.PORT, properties);
        return port == null ? null : port.intValue();
    }

    /**
     * Reads a number as a data source getter reports it: not range-checked (that happens when connecting).
     *
     * @param settings name to value, as the setters store them
     * @return the value set, else the default, else 0
     * @throws NumberFormatException when the stored value is not an {@code int} (the setters store only ints)
     */
    public int getInt(Map<String, String> settings) {
        requireNumber();
        String value = get(settings);
        return value == null ? 0 : Integer.parseInt(value);
    }

    /**
     * Stores this property, as a data source setter does.
     *
     * @param settings name to value
     * @param value the value; {@code null} or blank removes the property, anything else is stored trimmed
     */
    public void set(Map<String, String> settings, String value) {
        if (value == null || value.isBlank()) {
            settings.remove(name);
        } else {
            settings.put(name, value.trim());
        }
    }

    /** Stores a number, as a data source setter does; ranges are checked when connecting. */
    public void set(Map<String, String> settings, int value) {
        requireNumber();
        settings.put(name, Integer.toString(value));
    }

    /**
     * @param value a value as a string, e.g. from a JNDI reference
     * @return whether the value is allowed: blank (unset), any text for a string, else a whole number in range
     */
    public boolean accepts(String value) {
        return value == null || value.isBlank() || !type.isNumber() || parse(value.trim()) != null;
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
     * @return a new {@link DriverPropertyInfo} with {@link #getDescription()}; never required; no choices (no property
     *     of the driver has a closed set of values)
     */
    public DriverPropertyInfo toDriverPropertyInfo(Properties properties) {
        DriverPropertyInfo info = new DriverPropertyInfo(name, get(properties));
        info.description = description;
        info.required = false;
        return info;
    }

    /** lava's name of a realm's connections table (lava user guide, "The Connections Table"). */
    public static String connectionsTableOf(String realm) {
        return "lava." + realm + ".connections";
    }

    private String orDefault(String value) {
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private void requireNumber() {
        if (!type.isNumber()) {
            throw new IllegalStateException(name + " is not a number");
        }
    }

    private Long number(Type expected, Map<String, String> properties) {
        if (type != expected) {
            throw new IllegalStateException(name + " is " + type.label + ", not " + expected.label);
        }
        String value = get(properties);
        if (value == null) {
            return null;
        }
        Long number = parse(value);
        if (number == null) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "property " + name + "='" + value + "' is not "
                    + getAllowed() + ". Fix the property"
                    + (defaultValue == null ? "" : " or leave it out (default " + defaultValue + ")"));
        }
        return number;
    }

    /** @return the whole number in range, or {@code null} when {@code value} is not one */
    private Long parse(String value) {
        try {
            long number = Long.parseLong(value);
            return number >= min && number <= max ? number : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
