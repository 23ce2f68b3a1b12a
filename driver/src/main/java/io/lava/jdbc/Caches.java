package io.lava.jdbc;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The JVM-wide caches, one per kind, shared by every connect through any {@link LavaPgDriver} instance. Keys hold the
 * source (which carries the AWS region, profile and endpoint, or the file path) and the item name, so two realms,
 * regions, endpoints or files never share an entry.
 */
final class Caches {
    /** Bound on the entries of each cache. */
    static final long MAXIMUM_SIZE = 10_000;

    record RecordKey(RecordSource source, String connId) {
    }

    record ParameterKey(ParameterSource source, String name) {
    }

    record SecretKey(SecretSource source, String secretId) {
    }

    static final TtlCache<RecordKey, ConnectionRecord> RECORDS = new TtlCache<>(MAXIMUM_SIZE, Ticker.systemTicker());
    static final TtlCache<ParameterKey, Secret> PARAMETERS = new TtlCache<>(MAXIMUM_SIZE, Ticker.systemTicker());
    static final TtlCache<SecretKey, SecretFields> SECRETS = new TtlCache<>(MAXIMUM_SIZE, Ticker.systemTicker());

    /** A cached password; {@link #toString} never shows it. */
    record Secret(String value) {
        @Override
        public String toString() {
            return "Secret[redacted]";
        }
    }

    private Caches() {
    }

    /** Empties every cache (tests, and a future "flush" operation). */
    static void invalidateAll() {
        RECORDS.invalidateAll();
        PARAMETERS.invalidateAll();
        SECRETS.invalidateAll();
    }
}
