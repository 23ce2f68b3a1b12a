package io.lava.jdbc.internal.request;

import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.postgresql.PGProperty;

/**
 * The driver's own settings for one connect, read once from the merged properties and validated here, at the edge,
 * with the types, ranges and defaults of {@link LavaPgProperty}; plus the properties that pass through to pgjdbc.
 *
 * @param connectionsTable DynamoDB table of records ({@code lava.<realm>.connections} unless overridden)
 * @param connectionsFile local records file, or {@code null} to read DynamoDB
 * @param aws region, profile and endpoint settings as given (not yet resolved)
 * @param timeouts time limits of each AWS call ({@code awsApiCallTimeout} capped by {@code loginTimeout},
 *     {@code awsApiCallAttemptTimeout} capped by that)
 * @param recordTtl how long a record is cached ({@link LavaPgProperty#RECORD_TTL}); zero disables caching
 * @param parameterTtl how long an SSM parameter value is cached ({@link LavaPgProperty#PARAMETER_TTL})
 * @param secretTtl how long a secret is cached ({@link LavaPgProperty#SECRET_TTL})
 * @param maxStale how long past its TTL a cached value is served while refreshing it fails
 *     ({@link LavaPgProperty#MAX_STALE})
 * @param iamHost host an IAM token is signed for, or {@code null} for the record's host
 * @param iamPort port an IAM token is signed for, or {@code null} for the record's port
 * @param iamTokenTtl how long an IAM token is reused ({@link LavaPgProperty#IAM_TOKEN_TTL})
 * @param sslMode the TLS mode the user asked pgjdbc for ({@code sslmode}, or {@code ssl=true} meaning
 *     {@code verify-full} as in pgjdbc), or {@code null}
 * @param pgProperties every property that is not the driver's own, minus {@code user} and {@code password}; immutable
 * @param loginTimeout the whole connect's time limit ({@link ConnectDeadline}): pgjdbc's {@code loginTimeout}
 *     property (seconds), else {@link java.sql.DriverManager#getLoginTimeout()}, when positive; else {@code null}
 * @param database another database on the record's server ({@link LavaPgProperty#DATABASE}), or {@code null} for the
 *     record's
 */
public record ConnectionOptions(String connectionsTable, Path connectionsFile, AwsSettings aws, CallTimeouts timeouts,
                         Duration recordTtl,
                         Duration parameterTtl, Duration secretTtl, Duration maxStale, String iamHost, Integer iamPort,
                         Duration iamTokenTtl, SslMode sslMode, Map<String, String> pgProperties,
                         Duration loginTimeout, String database) {

    /** PostgreSQL's longest identifier, in bytes ({@code NAMEDATALEN} - 1); a longer database name cannot exist. */
    static final int MAX_DATABASE_BYTES = 63;

    /**
     * Reads and validates the driver's properties.
     *
     * @param ref the parsed URL
     * @param env environment lookup, for the fallback of {@link LavaPgProperty#CONNECTIONS_FILE}
     * @return the options
     * @throws SourceException (08001) naming the property whose value is invalid; (0A000) for a pgjdbc property a
     *     URL may not set ({@link UntrustedProperties#checkClassNames})
     */
    public static ConnectionOptions of(ConnectionRef ref, UnaryOperator<String> env) {
        Map<String, String> all = ref.properties();
        String table = LavaPgProperty.CONNECTIONS_TABLE.get(all);
        String file = LavaPgProperty.CONNECTIONS_FILE.get(all, env);
        Duration loginTimeout = loginTimeout(all);
        Duration callTimeout = LavaPgProperty.AWS_API_CALL_TIMEOUT.getSeconds(all);
        if (loginTimeout != null && loginTimeout.compareTo(callTimeout) < 0) {
            callTimeout = loginTimeout;
        }
        Duration attemptTimeout = LavaPgProperty.AWS_API_CALL_ATTEMPT_TIMEOUT.getSeconds(all);
        AwsSettings aws = new AwsSettings(LavaPgProperty.AWS_REGION.get(all), LavaPgProperty.AWS_PROFILE.get(all),
                LavaPgProperty.AWS_ENDPOINT_URL.get(all));
        aws.validate();
        CallTimeouts timeouts = new CallTimeouts(callTimeout,
                attemptTimeout.compareTo(callTimeout) > 0 ? callTimeout : attemptTimeout);
        Map<String, String> pg = new HashMap<>();
        all.forEach((key, value) -> {
            if (LavaPgProperty.forName(key) == null && !key.equals("user") && !key.equals("password")) {
                pg.put(key, value);
            }
        });
        UntrustedProperties.checkClassNames(pg);
        return new ConnectionOptions(
                table != null ? table : LavaPgProperty.connectionsTableOf(ref.realm()),
                file == null ? null : Path.of(file),
                aws,
                timeouts,
                LavaPgProperty.RECORD_TTL.getSeconds(all),
                LavaPgProperty.PARAMETER_TTL.getSeconds(all),
                LavaPgProperty.SECRET_TTL.getSeconds(all),
                LavaPgProperty.MAX_STALE.getSeconds(all),
                LavaPgProperty.IAM_HOST.get(all),
                LavaPgProperty.IAM_PORT.getPort(all),
                LavaPgProperty.IAM_TOKEN_TTL.getSeconds(all),
                userSslMode(pg),
                Map.copyOf(pg),
                loginTimeout,
                database(LavaPgProperty.DATABASE.get(all)));
    }

    /**
     * @param value the {@code database} property, or {@code null}
     * @return the database name, or {@code null} for the record's (unset or blank)
     * @throws SourceException (08001) for a name longer than {@value #MAX_DATABASE_BYTES} bytes or holding a NUL, which
     *     PostgreSQL cannot have
     */
    private static String database(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_DATABASE_BYTES
                || value.indexOf('\0') >= 0) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "property " + LavaPgProperty.DATABASE.getName()
                    + " is not a PostgreSQL database name (at most " + MAX_DATABASE_BYTES + " bytes, no NUL). Name "
                    + "a database on the record's server, or leave it unset for the record's");
        }
        return value;
    }

    /** pgjdbc's rule: {@code sslmode} if set, else {@code ssl} true or empty means {@code verify-full}. */
    private static SslMode userSslMode(Map<String, String> pg) {
        String sslmode = pg.get("sslmode");
        if (sslmode != null) {
            SslMode mode = SslMode.forName(sslmode);
            if (mode == null) {
                throw new SourceException(Errors.UNABLE_TO_CONNECT, "property sslmode='" + sslmode
                        + "' is not one of pgjdbc's values. Set one of: " + SslMode.PGJDBC_VALUES);
            }
            return mode;
        }
        String ssl = pg.get("ssl");
        return ssl != null && (ssl.isEmpty() || ssl.equalsIgnoreCase("true")) ? SslMode.VERIFY_FULL : null;
    }

    /**
     * The whole connect may take no longer than the login may: pgjdbc's {@code loginTimeout} property (seconds, a
     * fraction allowed, as pgjdbc reads it), else {@link java.sql.DriverManager#getLoginTimeout()}, when positive. It
     * also caps the AWS call timeout.
     *
     * @return the login timeout, or {@code null} for none
     */
    private static Duration loginTimeout(Map<String, String> all) {
        long millis = java.sql.DriverManager.getLoginTimeout() * 1000L;
        String property = all.get(PGProperty.LOGIN_TIMEOUT.getName());
        if (property != null) {
            try {
                millis = (long) (Double.parseDouble(property.trim()) * 1000);
            } catch (NumberFormatException e) {
                // pgjdbc reports a bad loginTimeout itself
            }
        }
        return millis > 0 ? Duration.ofMillis(millis) : null;
    }
}
