package io.lava.jdbc;

import java.math.BigDecimal;
import java.util.Map;

/**
 * A lava connection record, validated as lava validates it ({@code ../shared/LAVA.md}, lava's
 * {@code lava/connection/core.py}), before credentials are resolved.
 *
 * <p>Rules: {@code conn_id}, {@code type} and {@code enabled} are required before anything else; a missing
 * {@code enabled} counts as false; {@code type} must be one of {@link LavaType#ACCEPTED}; {@code port}, when present, is
 * an integer from 1 to 65535 (a number, or a string of digits); text fields must be strings; an empty string counts as
 * absent, as in lava's Python; fields starting with {@code x-} or {@code X-}, and fields this driver does not use, are
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
 */
record ConnectionRecord(String connId, LavaType type, String host, Integer port, String database, String user,
                        String passwordParameter, String secretId, String description) {

    /**
     * Validates a record's raw attributes.
     *
     * @param connId the conn_id that was looked up
     * @param attributes field name to value: {@link String}, {@link BigDecimal}, {@link Boolean}, or any other object
     *     for a value of another type (list, map, binary); {@code null} or absent for a missing field
     * @return the validated record
     * @throws SourceException 28000 when the record is not enabled; 08001 for every other rule
     */
    static ConnectionRecord of(String connId, Map<String, Object> attributes) {
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
        return new ConnectionRecord(connId, type, text(attributes, "host"), port(attributes.get("port"), "port", true),
                text(attributes, "database"), text(attributes, "user"), text(attributes, "password"),
                text(attributes, "secret_id"), text(attributes, "description"));
    }

    private static boolean enabled(Object value) {
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return s.equalsIgnoreCase("true");
        }
        throw invalid("field 'enabled' must be a boolean (true or false)");
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
    static Integer port(Object value, String where, boolean showValue) {
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

    static SourceException invalid(String what) {
        return new SourceException(Errors.UNABLE_TO_CONNECT, "invalid connection record: " + what
                + ". Fix the record (see lava's postgres connector documentation)");
    }
}
