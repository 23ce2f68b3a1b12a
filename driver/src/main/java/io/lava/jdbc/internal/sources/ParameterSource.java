package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.request.CallTimeouts;

/**
 * Reads a password stored as an SSM SecureString ({@link SsmParameterSource}). Implementations are immutable values
 * whose equality identifies the source, so that they can key a cache.
 */
public interface ParameterSource {

    /**
     * @param name the parameter name, already checked to lie under {@code /lava/<realm>/}
     * @param timeouts time limits of the AWS call
     * @return the decrypted value, never {@code null}
     * @throws io.lava.jdbc.internal.SourceException when the parameter is missing, not readable or not decryptable
     */
    String get(String name, CallTimeouts timeouts);
}
