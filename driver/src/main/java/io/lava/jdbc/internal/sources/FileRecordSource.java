package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Records from a local JSON file: an object whose keys are conn_ids and whose values are records written as lava writes
 * them in DynamoDB ({@code {"warehouse": {"type": "postgres", "enabled": true, "host": ...}}}). A record may omit
 * {@code conn_id} (its key supplies it). Read on every cache miss, so edits show up after {@code recordTtl}. Intended
 * for development, CI and offline use; validation is the same as for DynamoDB.
 *
 * @param file the file
 */
public record FileRecordSource(Path file) implements RecordSource {

    @Override
    public ConnectionRecord get(String connId, CallTimeouts timeouts) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JsonNode.parser().parse(in);
        } catch (NoSuchFileException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, describe() + " does not exist. Check the "
                    + "connectionsFile property or LAVA_CONNECTIONS_FILE", e);
        } catch (IOException | RuntimeException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, describe() + " could not be read as JSON: "
                    + e.getMessage() + ". Fix the file", e);
        }
        if (!root.isObject()) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, describe() + " must hold a JSON object of records "
                    + "keyed by conn_id");
        }
        JsonNode record = root.asObject().get(connId);
        if (record == null || record.isNull()) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "no such connection in " + describe()
                    + ". Check the conn_id");
        }
        if (!record.isObject()) {
            throw ConnectionRecord.invalid("the value under '" + connId + "' in " + describe() + " is not an object");
        }
        Map<String, Object> attributes = new HashMap<>();
        record.asObject().forEach((name, value) -> attributes.put(name, plain(value)));
        return ConnectionRecord.of(connId, attributes);
    }

    private static Object plain(JsonNode value) {
        if (value.isString()) {
            return value.asString();
        }
        if (value.isNumber()) {
            return new BigDecimal(value.asNumber());
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.isNull() ? null : value; // array or object: rejected if a field this driver reads holds it
    }

    @Override
    public String describe() {
        return "connections file '" + file + "'";
    }
}
