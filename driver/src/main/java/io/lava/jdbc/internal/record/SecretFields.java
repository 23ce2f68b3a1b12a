package io.lava.jdbc.internal.record;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The record fields a Secrets Manager secret supplies, after lava's key map ({@code docs/lava.md},
 * "Resolution order" step 2):
 *
 * <table>
 *   <caption>secret key to record field</caption>
 *   <tr><th>secret key</th><th>record field</th></tr>
 *   <tr><td>{@code username}</td><td>{@code user}</td></tr>
 *   <tr><td>{@code password}</td><td>{@code password} (a literal password, never an SSM name)</td></tr>
 *   <tr><td>{@code host}</td><td>{@code host}</td></tr>
 *   <tr><td>{@code port}</td><td>{@code port}</td></tr>
 *   <tr><td>{@code dbname}</td><td>{@code database}</td></tr>
 *   <tr><td>{@code dbClusterIdentifier}</td><td>{@code description}</td></tr>
 * </table>
 * Other keys ({@code engine}, ...) and {@code null} values are ignored. Immutable; {@link #toString} never shows
 * values.
 */
final public class SecretFields {
    private static final Map<String, String> KEY_MAP = Map.of(
            "username", "user",
            "password", "password",
            "host", "host",
            "port", "port",
            "dbname", "database",
            "dbClusterIdentifier", "description");

    /** A secret that supplies nothing (a record without {@code secret_id}). */
    public static final SecretFields NONE = new SecretFields(Map.of());

    private final Map<String, String> fields;

    private SecretFields(Map<String, String> fields) {
        this.fields = Map.copyOf(fields);
    }

    /**
     * Parses a secret's {@code SecretString}.
     *
     * @param secretId the secret's id, for messages
     * @param secretString the JSON text
     * @return the mapped fields
     * @throws SourceException (08001) when the text is not a JSON object or a mapped key holds neither a string nor a
     *     number; the message never quotes the secret and carries no parser cause (which could)
     */
    public static SecretFields parse(String secretId, String secretString) {
        JsonNode root;
        try {
            root = JsonNode.parser().parse(secretString);
        } catch (RuntimeException e) {
            throw notAnObject(secretId, "is not JSON");
        }
        if (!root.isObject()) {
            throw notAnObject(secretId, "is JSON but not an object");
        }
        Map<String, String> fields = new HashMap<>();
        root.asObject().forEach((key, value) -> {
            String field = KEY_MAP.get(key);
            if (field == null || value.isNull()) {
                return;
            }
            if (value.isString()) {
                fields.put(field, value.asString());
            } else if (value.isNumber()) {
                fields.put(field, new BigDecimal(value.asNumber()).toPlainString());
            } else {
                throw new SourceException(Errors.UNABLE_TO_CONNECT, "secret '" + secretId + "': key '" + key
                        + "' must be a string or a number");
            }
        });
        return new SecretFields(fields);
    }

    private static SourceException notAnObject(String secretId, String what) {
        return new SourceException(Errors.UNABLE_TO_CONNECT, "secret '" + secretId + "': its SecretString " + what
                + ". Store a JSON object such as {\"username\": ..., \"password\": ...}");
    }

    /** @return the value for a record field name ({@code user}, {@code host}, ...), or {@code null} */
    public String get(String recordField) {
        String value = fields.get(recordField);
        return value == null || value.isEmpty() ? null : value;
    }

    @Override
    public String toString() {
        return "SecretFields" + fields.keySet();
    }
}
