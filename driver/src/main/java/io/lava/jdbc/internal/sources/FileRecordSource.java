package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.thirdparty.jackson.core.JsonLocation;
import software.amazon.awssdk.thirdparty.jackson.core.JsonProcessingException;

/**
 * Records from a local JSON file: an object whose keys are conn_ids and whose values are records written as lava writes
 * them in DynamoDB ({@code {"warehouse": {"type": "postgres", "enabled": true, "host": ...}}}). A record may omit
 * {@code conn_id} (its key supplies it). Read on every cache miss, so edits show up after {@code recordTtl}. Intended
 * for development, CI and offline use; validation is the same as for DynamoDB.
 *
 * <p>The path may come from a URL ({@code connectionsFile}), so whoever writes the URL may point it at any file the
 * process can read: only a regular file (symbolic links followed) is read, never a FIFO, socket or device, which could
 * block the connect or never end; at most {@value #MAXIMUM_BYTES} bytes (4 MiB) are read; and no message quotes the
 * file's content: a syntax error is reported by line and column only.
 *
 * @param file the file
 */
public record FileRecordSource(Path file) implements RecordSource {
    /** The largest records file read, in bytes (4 MiB). */
    public static final int MAXIMUM_BYTES = 4 * 1024 * 1024;

    @Override
    public ConnectionRecord get(String connId, CallTimeouts timeouts) {
        JsonNode root = parse(read());
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

    /** The file's bytes: a regular file of at most {@link #MAXIMUM_BYTES}. */
    private byte[] read() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new SourceException(Errors.UNABLE_TO_CONNECT, describe() + " is not a regular file ("
                        + (attributes.isDirectory() ? "a directory" : "a FIFO, socket or device") + "). Check the "
                        + "connectionsFile property or LAVA_CONNECTIONS_FILE");
            }
            if (attributes.size() > MAXIMUM_BYTES) {
                throw tooLarge();
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes(MAXIMUM_BYTES + 1);
                if (bytes.length > MAXIMUM_BYTES) {
                    throw tooLarge();
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, describe() + " does not exist. Check the "
                    + "connectionsFile property or LAVA_CONNECTIONS_FILE", e);
        } catch (FileSystemException e) {
            // its message is the path and the operating system's reason, never the content; the file is there but
            // could not be read now: the source is unavailable, not answering
            throw SourceException.unavailable(Errors.UNABLE_TO_CONNECT, describe() + " could not be read ("
                    + e.getClass().getSimpleName() + (e.getReason() == null ? "" : ": " + e.getReason())
                    + "). Check the file and its permissions", e);
        } catch (IOException e) {
            throw SourceException.unavailable(Errors.UNABLE_TO_CONNECT, describe() + " could not be read ("
                    + e.getClass().getSimpleName() + "). Check the file and its permissions", null);
        }
    }

    private SourceException tooLarge() {
        return new SourceException(Errors.UNABLE_TO_CONNECT, describe() + " is larger than " + MAXIMUM_BYTES
                + " bytes. Check the connectionsFile property or LAVA_CONNECTIONS_FILE; keep only the records "
                + "needed in it");
    }

    /**
     * Parses the file as JSON. The parser's own message quotes the text it stopped at, which could be a secret of
     * a file that is not a records file: it is reported by line and column only, and kept out of the cause.
     */
    private JsonNode parse(byte[] bytes) {
        try {
            return JsonNode.parser().parse(new ByteArrayInputStream(bytes));
        } catch (RuntimeException e) {
            JsonProcessingException syntax = find(e);
            JsonLocation at = syntax == null ? null : syntax.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new SourceException(Errors.UNABLE_TO_CONNECT, describe() + " could not be read as JSON: "
                    + (syntax == null ? e.getClass().getSimpleName() : "syntax error") + where + ". Fix the file",
                    null);
        }
    }

    private static JsonProcessingException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException json) {
                return json;
            }
        }
        return null;
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
