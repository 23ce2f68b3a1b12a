package io.lava.jdbc;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;

/**
 * The JVM-wide caches, one per kind (records, SSM parameter values, secrets), shared by every connect through any
 * {@link LavaPgDriver} or data source. Keys hold the source (which carries the AWS region, profile and endpoint, or the
 * file path) and the item name, so two realms, regions, endpoints or files never share an entry.
 *
 * <p>Each kind has one {@link RefreshingCache} per distinct (TTL, maxStale) pair in use — normally exactly one.
 */
final class Caches {
    /** Bound on the entries of each cache. */
    static final long MAXIMUM_SIZE = 10_000;

    /** A record, read from its source. */
    record RecordKey(RecordSource source, String connId) implements RefreshingCache.Loadable<ConnectionRecord> {
        @Override
        public ConnectionRecord load() {
            return source.get(connId);
        }

        @Override
        public String describe() {
            return "record '" + connId + "' from " + source.describe();
        }
    }

    /** An SSM parameter value. */
    record ParameterKey(ParameterSource source, String name) implements RefreshingCache.Loadable<Secret> {
        @Override
        public Secret load() {
            return new Secret(source.get(name));
        }

        @Override
        public String describe() {
            return "SSM parameter '" + name + "'";
        }
    }

    /** A Secrets Manager secret. */
    record SecretKey(SecretSource source, String secretId) implements RefreshingCache.Loadable<SecretFields> {
        @Override
        public SecretFields load() {
            return source.get(secretId);
        }

        @Override
        public String describe() {
            return "secret '" + secretId + "'";
        }
    }

    /** A cached password; {@link #toString} never shows it. */
    record Secret(String value) {
        @Override
        public String toString() {
            return "Secret[redacted]";
        }
    }

    private record Settings(Duration ttl, Duration maxStale) {
    }

    private static final Map<Settings, RefreshingCache<RecordKey, ConnectionRecord>> RECORDS =
            new ConcurrentHashMap<>();
    private static final Map<Settings, RefreshingCache<ParameterKey, Secret>> PARAMETERS = new ConcurrentHashMap<>();
    private static final Map<Settings, RefreshingCache<SecretKey, SecretFields>> SECRETS = new ConcurrentHashMap<>();

    private Caches() {
    }

    /** @return the record cache for these settings ({@code ttl} positive) */
    static RefreshingCache<RecordKey, ConnectionRecord> records(Duration ttl, Duration maxStale) {
        return cache(RECORDS, Metrics.Kind.RECORD, ttl, maxStale);
    }

    /** @return the SSM parameter cache for these settings ({@code ttl} positive) */
    static RefreshingCache<ParameterKey, Secret> parameters(Duration ttl, Duration maxStale) {
        return cache(PARAMETERS, Metrics.Kind.PARAMETER, ttl, maxStale);
    }

    /** @return the secret cache for these settings ({@code ttl} positive) */
    static RefreshingCache<SecretKey, SecretFields> secrets(Duration ttl, Duration maxStale) {
        return cache(SECRETS, Metrics.Kind.SECRET, ttl, maxStale);
    }

    private static <K extends RefreshingCache.Loadable<V>, V> RefreshingCache<K, V> cache(
            Map<Settings, RefreshingCache<K, V>> caches, Metrics.Kind kind, Duration ttl, Duration maxStale) {
        Settings settings = new Settings(ttl, maxStale);
        RefreshingCache<K, V> cache = caches.get(settings);
        return cache != null ? cache : caches.computeIfAbsent(settings, s -> new RefreshingCache<>(kind, s.ttl(),
                s.maxStale(), Ticker.systemTicker(), ForkJoinPool.commonPool()));
    }

    /** Empties every cache (tests). */
    static void invalidateAll() {
        ReusedResolutions.invalidateAll();
        RECORDS.values().forEach(RefreshingCache::invalidateAll);
        PARAMETERS.values().forEach(RefreshingCache::invalidateAll);
        SECRETS.values().forEach(RefreshingCache::invalidateAll);
    }
}
