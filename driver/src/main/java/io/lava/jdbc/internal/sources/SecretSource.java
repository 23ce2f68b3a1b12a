package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.record.SecretFields;
import io.lava.jdbc.internal.request.CallTimeouts;

/**
 * Reads a Secrets Manager secret ({@link SecretsManagerSecretSource}). Implementations are immutable values whose
 * equality identifies the source, so that they can key a cache.
 */
public interface SecretSource {

    /**
     * @param secretId the record's {@code secret_id}
     * @param timeouts time limits of the AWS call
     * @return the fields the secret supplies
     * @throws io.lava.jdbc.internal.SourceException when the secret is missing, unreadable, binary, or not a JSON object
     */
    SecretFields get(String secretId, CallTimeouts timeouts);
}
