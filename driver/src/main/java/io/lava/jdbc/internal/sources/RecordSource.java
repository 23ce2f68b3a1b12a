package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.internal.request.CallTimeouts;

/**
 * Where connection records live: a DynamoDB table ({@link DynamoDbRecordSource}) or a local JSON file
 * ({@link FileRecordSource}), with identical validation ({@link ConnectionRecord#of}). Implementations are immutable
 * values whose equality identifies the source, so that they can key a cache.
 */
public interface RecordSource {

    /**
     * Reads and validates one record.
     *
     * @param connId the conn_id
     * @param timeouts time limits of the AWS call, if the source makes one
     * @return the validated record
     * @throws io.lava.jdbc.internal.SourceException when the record is missing, invalid or disabled, or the source fails
     */
    ConnectionRecord get(String connId, CallTimeouts timeouts);

    /** @return where the records come from, for logs and messages, e.g. {@code DynamoDB table 'lava.p.connections'} */
    String describe();
}
