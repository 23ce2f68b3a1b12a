package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.Metrics;
import java.util.List;
import java.util.function.Supplier;

/**
 * The outcome of {@link Resolver#resolve}: the connection settings, how each step was served, and what to drop from
 * the caches when the server refuses the credentials (the password was rotated).
 *
 * @param connection host, port, database, user, password and TLS settings
 * @param steps each step that ran, in order
 * @param invalidation drops this connection's cached record, parameter, secret and token
 * @param passwordInvalidation drops only the cached entry the password came from: the SSM parameter, the secret or
 *     the IAM token
 * @param reusable whether a later connect may reuse this resolution ({@link ReusedResolutions}): every value came
 *     from a cache with a TTL, none was stale, and no IAM token was involved (tokens refresh on their own schedule)
 * @param reusableUntilNanos when {@code reusable}, the {@link System#nanoTime()} from which the first of its cached
 *     values is due for its background refresh; from then on the caches must be read again
 */
public record Resolution(ResolvedConnection connection, List<StepTiming> steps, Runnable invalidation,
                         Runnable passwordInvalidation, boolean reusable, long reusableUntilNanos) {

    /** How a step's value was served. */
    public enum CacheUse {
        /** From the cache, current. */
        HIT("hit"),
        /** From the cache, past its TTL, because reading it again failed ({@code maxStale}). */
        STALE("stale"),
        /** Not in the cache (or due): read from its source and cached. */
        MISS("miss"),
        /** Read from its source past the cache (a TTL of zero). */
        UNCACHED("uncached");

        /** The value of {@code lava.cache}. */
        public final String label;

        CacheUse(String label) {
            this.label = label;
        }

        /**
         * @param fromCache whether the caller got the value without waiting on the source
         * @param stale whether it is past its TTL because reading it again failed
         * @return how the value was served
         */
        public static CacheUse of(boolean fromCache, boolean stale) {
            return stale ? STALE : fromCache ? HIT : MISS;
        }
    }

    /**
     * One resolution step.
     *
     * @param step the step
     * @param nanos how long it took, in nanoseconds
     * @param fromCache whether the value came from the cache (no AWS call, no file read)
     * @param describer says where the value came from; called only when someone asks ({@link #source()}), so that
     *     warm connects build no strings
     * @param cache how the cache served the value (the driver's spans, {@code lava.cache})
     */
    public record StepTiming(Errors.Step step, long nanos, boolean fromCache, Supplier<String> describer,
                             CacheUse cache) {
        /**
         * A step whose cache use follows from {@code fromCache}: {@link CacheUse#HIT} or {@link CacheUse#MISS}.
         *
         * @param step the step
         * @param nanos how long it took, in nanoseconds
         * @param fromCache whether the value came from the cache
         * @param describer says where the value came from
         */
        public StepTiming(Errors.Step step, long nanos, boolean fromCache, Supplier<String> describer) {
            this(step, nanos, fromCache, describer, fromCache ? CacheUse.HIT : CacheUse.MISS);
        }

        /**
         * @return where the value came from, e.g. {@code record 'warehouse' from DynamoDB table
         *     'lava.prod.connections' (eu-west-1)}; never a secret
         */
        public String source() {
            return describer.get();
        }
    }

    /**
     * Drops this connection's cached record, SSM value, secret and IAM token (if each is still the one this resolution
     * read), so the next resolve reads them anew. Ending the reuse of earlier resolutions is the engine's part.
     */
    public void invalidate() {
        invalidation.run();
    }

    /**
     * Drops only the cached entry this connection's password came from (SSM parameter, secret or IAM token), if it is
     * still the one this resolution read, so that the next resolve reads the password from its store and everything
     * else from the caches.
     */
    public void invalidatePassword() {
        passwordInvalidation.run();
    }

    /**
     * @param other another resolution of the same connection
     * @return whether both connect as the same user with the same password
     */
    public boolean sameCredentials(Resolution other) {
        return java.util.Objects.equals(connection.user(), other.connection.user())
                && java.util.Objects.equals(connection.password(), other.connection.password());
    }

    /**
     * Counts a reuse of this resolution: one cache hit for each cached value it holds, as a resolve would.
     *
     * @param metrics the engine's counters
     */
    public void countReuse(Metrics metrics) {
        for (StepTiming timing : steps) {
            switch (timing.step()) {
                case RECORD -> metrics.hit(Metrics.Kind.RECORD);
                case PARAMETER -> metrics.hit(Metrics.Kind.PARAMETER);
                case SECRET -> metrics.hit(Metrics.Kind.SECRET);
                case CA_BUNDLE -> metrics.hit(Metrics.Kind.CA_BUNDLE);
                default -> {
                    // credentials read no cache; a resolution with a token is never reused
                }
            }
        }
        metrics.resolutionReused();
    }
}
