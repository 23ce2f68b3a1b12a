package io.lava.jdbc.internal.record;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.SslMode;
import java.math.BigDecimal;
import java.util.Map;

/**
 * A lava connection record, validated as lava validates it ({@code docs/lava.md}, lava's
 * {@code lava/connection/core.py}), before credentials are resolved.
 *
 * <p>Rules: {@code conn_id}, {@code type} and {@code enabled} are required before anything else; a missing
 * {@code enabled} counts as false; {@code type} must be one of {@link LavaType#ACCEPTED}, compared ignoring case as lava
 * lowercases it ({@link LavaType#forName}); {@code port}, when present, is an integer from 1 to 65535 (a number, or a
 * string of digits); text fields must be strings; an empty string counts as absent, as in lava's Python; {@code ssl_mode} is one of {@code require}, {@code verify-ca}, {@code verify-full}
 * (legacy {@code ssl: true} means {@code require}); an {@code http://} {@code ssl_ca_file} (or {@code ca_cert}) is
 * refused; fields
 * starting with {@code x-} or {@code X-}, and fields this driver does not use, are
 * ignored. {@code host}, {@code port}, {@code database} and {@code user} may still be missing here: a secret can fill
 * them ({@link ResolvedConnection#of}).
 *
 * @param connId the conn_id
 * @param type the lava type
 * @param host database host, or {@code null}
 * @param port database port, or {@code null}
 * @param database database name, or {@code null}
 * @param user database user, or {@code null}
 * @param passwordParameter the <em>name</em> of the SSM SecureString holding the password, or {@code null}
 * @param secretId Secrets Manager secret id, or {@code null}
 * @param description free text, or {@code null}
 * @param sslMode TLS mode from {@code ssl_mode} (or legacy {@code ssl: true}, meaning {@code require}), or {@code null}
 * @param sslCaFile CA bundle from {@code ssl_ca_file} (or its deprecated alias {@code ca_cert}), or {@code null}
 */
public record ConnectionRecord(String connId, LavaType type, String host, Integer port, String database, String user,
                        String passwordParameter, String secretId, String description, SslMode sslMode,
                        String sslCaFile) {

    /**
     * Validates a record's raw attributes.
     *
     * @param connId the conn_id that was looked up
     * @param attributes field name to value: {@link String}, {@link BigDecimal}, {@link Boolean}, or any other object
     *     for a value of another type (list, map, binary); {@code null} or absent for a missing field
     * @return the validated record
     * @throws SourceException 28000 when the record is not enabled; 08001 for every other rule
     */
    public static ConnectionRecord of(String connId, Map<String, Object> attributes) {
        String recordConnId = text(attributes, "conn_id");
        if (recordConnId != null && !recordConnId.equals(connId)) {
            throw invalid("its conn_id field is '" + recordConnId + "', not the conn_id it is stored under");
        }
        String typeName = text(attributes, "type");
        if (typeName == null) {
            throw invalid("it has no 'type' field; lava needs one of: " + LavaType.ACCEPTED);
        }
        if (!enabled(attributes.get("enabled"))) {
            throw new SourceException(Errors.INVALID_AUTHORIZATION, "connection not enabled. Set 'enabled' to true "
                    + "in the record if this connection should be used");
        }
        LavaType type = LavaType.forName(typeName);
        if (type == null) {
            throw invalid("type '" + typeName + "' is not a PostgreSQL type; lava-pg handles: " + LavaType.ACCEPTED
                    + ". Use the driver for that database instead");
        }
        String caFile = text(attributes, "ssl_ca_file");
        if (caFile == null) {
            caFile = text(attributes, "ca_cert");
        }
        if (caFile != null && caFile.regionMatches(true, 0, "http://", 0, 7)) {
            throw invalid("field 'ssl_ca_file' is an http:// URI (" + caFile + "): a CA bundle fetched without TLS "
                    + "could be swapped in transit, so lava-pg never fetches one over http://. Use an https:// "
                    + "URI, or copy the bundle to a local file and put its path in ssl_ca_file");
        }
        return new ConnectionRecord(connId, type, text(attributes, "host"), port(attributes.get("port"), "port", true),
                text(attributes, "database"), text(attributes, "user"), text(attributes, "password"),
                text(attributes, "secret_id"), text(attributes, "description"), sslMode(attributes),
                caFile);
    }

    /** lava 8.3: {@code ssl_mode} in {require, verify-ca, verify-full}; else legacy {@code ssl: true} = require. */
    private static SslMode sslMode(Map<String, Object> attributes) {
        String mode = text(attributes, "ssl_mode");
        if (mode != null) {
            SslMode parsed = SslMode.forName(mode);
            if (parsed == null || parsed.compareTo(SslMode.REQUIRE) < 0) {
                // "Bad ssl_mode" is lava's own wording (lava/lib/ssl.py), kept for those who search logs for it
                throw invalid("field 'ssl_mode' is '" + mode + "'; allowed values: " + SslMode.LAVA_VALUES
                        + " (lava: Bad ssl_mode: " + mode + ")");
            }
            return parsed;
        }
        return bool(attributes.get("ssl"), "ssl") ? SslMode.REQUIRE : null;
    }

    private static boolean enabled(Object value) {
        return bool(value, "enabled");
    }

    /** A boolean field: true, false, or the strings "true"/"false"; absent counts as false. */
    private static boolean bool(Object value, String field) {
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return s.equalsIgnoreCase("true");
        }
        throw invalid("field '" + field + "' must be a boolean (true or false)");
    }

    /**
     * Reads a port from a record or secret value.
     *
     * @param value a number, a string of digits, or {@code null}
     * @param where how to name the field in an error
     * @param showValue whether an error may quote the value (not for values read from a secret)
     * @return the port, or {@code null} when absent
     * @throws SourceException (08001) when it is not an integer from 1 to 65535
     */
    public static Integer port(Object value, String where, boolean showValue) {
        if (value == null || (value instanceof String s && s.isEmpty())) {
            return null;
        }
        try {
            BigDecimal number = value instanceof BigDecimal b ? b
                    : value instanceof String s ? new BigDecimal(s.trim()) : null;
            if (number != null) {
                int port = number.intValueExact();
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // fall through: not an integer
        }
        throw invalid("field '" + where + "' must be an integer from 1 to 65535"
                + (showValue ? ", not '" + value + "'" : ""));
    }

    private static String text(Map<String, Object> attributes, String field) {
        Object value = attributes.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw invalid("field '" + field + "' must be a string");
        }
        return s.isEmpty() ? null : s;
    }

    public static SourceException invalid(String what) {
        return new SourceException(Errors.UNABLE_TO_CONNECT, "invalid connection record: " + what
                + ". Fix the record (see lava's postgres connector documentation)");
    }
}
