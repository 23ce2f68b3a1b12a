package io.lava.jdbc;

import java.util.List;
import java.util.function.Supplier;

/**
 * The outcome of {@link Resolver#resolve}: the connection settings, how each step was served, and what to drop from
 * the caches when the server refuses the credentials (the password was rotated).
 *
 * @param connection host, port, database, user, password and TLS settings
 * @param steps each step that ran, in order
 * @param invalidation drops this connection's cached record, parameter, secret and token
 */
record Resolution(ResolvedConnection connection, List<StepTiming> steps, Runnable invalidation) {

    /**
     * One resolution step.
     *
     * @param step the step
     * @param nanos how long it took, in nanoseconds
     * @param fromCache whether the value came from the cache (no AWS call, no file read)
     * @param describer says where the value came from; called only when someone asks ({@link #source()}), so that
     *     warm connects build no strings
     */
    record StepTiming(Errors.Step step, long nanos, boolean fromCache, Supplier<String> describer) {
        /**
         * @return where the value came from, e.g. {@code record 'warehouse' from DynamoDB table
         *     'lava.prod.connections' (eu-west-1)}; never a secret
         */
        String source() {
            return describer.get();
        }
    }

    /** Drops this connection's cached record, SSM value, secret and IAM token, so the next resolve reads them anew. */
    void invalidate() {
        invalidation.run();
    }
}
