package io.lava.jdbc.internal.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.cache.RefreshingCache;
import io.lava.jdbc.internal.request.CallTimeouts;
import io.lava.jdbc.internal.sources.CaBundleSource;
import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.internal.sources.ParameterSource;
import io.lava.jdbc.internal.sources.RecordSource;
import io.lava.jdbc.internal.sources.S3ObjectSource;
import io.lava.jdbc.internal.record.SecretFields;
import io.lava.jdbc.internal.sources.SecretSource;
import io.lava.jdbc.internal.sources.TokenSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * An engine's caches, one {@link RefreshingCache} per kind (records, SSM parameter values, secrets, RDS IAM tokens)
 * and per distinct (TTL, maxStale) pair in use — normally exactly one each, at most {@link #MAXIMUM_SETTINGS} per kind. Keys hold the source (which names the AWS
 * region, profile and endpoint, or the file path) and the item name, so two realms, regions, endpoints or files never
 * share an entry; per-call time limits are not part of any key. IAM tokens are never served past their TTL
 * ({@code maxStale} zero). Thread-safe.
 */
final public class Caches {
    /** Bound on the entries of each cache. */
    public static final long MAXIMUM_SIZE = 10_000;

    /** A record, read from its source. */
    public record RecordKey(RecordSource source, String connId) implements RefreshingCache.Loadable<ConnectionRecord> {
        @Override
        public ConnectionRecord load(CallTimeouts timeouts) {
            return source.get(connId, timeouts);
        }

        @Override
        public String describe() {
            return "record '" + connId + "' from " + source.describe();
        }
    }

    /** An SSM parameter value. */
    public record ParameterKey(ParameterSource source, String name) implements RefreshingCache.Loadable<Secret> {
        @Override
        public Secret load(CallTimeouts timeouts) {
            return new Secret(source.get(name, timeouts));
        }

        @Override
        public String describe() {
            return "SSM parameter '" + name + "'";
        }
    }

    /** A Secrets Manager secret. */
    public record SecretKey(SecretSource source, String secretId) implements RefreshingCache.Loadable<SecretFields> {
        @Override
        public SecretFields load(CallTimeouts timeouts) {
            return source.get(secretId, timeouts);
        }

        @Override
        public String describe() {
            return "secret '" + secretId + "'";
        }
    }

    /**
     * What an RDS IAM token is valid for: the signer (region, credentials) and the identity it signs with, host, port
     * and user.
     */
    public record TokenKey(TokenSource source, String identity, String host, int port, String user)
            implements RefreshingCache.Loadable<Secret> {
        @Override
        public Secret load(CallTimeouts timeouts) {
            return new Secret(source.mint(host, port, user));
        }

        @Override
        public String describe() {
            return "RDS IAM token for " + user + "@" + host + ":" + port + " in " + source.describe();
        }
    }

    /**
     * An {@code https://} or {@code s3://} CA bundle, fetched to a private file; an S3 one also keyed by the S3 source
     * (region, profile, endpoint).
     *
     * @param source the engine's CA bundle files
     * @param s3 the S3 source for an {@code s3://} URI, {@code null} for {@code https://}
     * @param uri the record's {@code ssl_ca_file}
     */
    public record CaBundleKey(CaBundleSource source, S3ObjectSource s3, String uri)
            implements RefreshingCache.Loadable<Path> {
        /** An {@code https://} bundle. */
        public CaBundleKey(CaBundleSource source, String uri) {
            this(source, null, uri);
        }

        @Override
        public Path load(CallTimeouts timeouts) {
            return s3 == null ? source.fetch(uri, timeouts) : source.fetch(uri, s3, timeouts);
        }

        @Override
        public String describe() {
            return "CA bundle " + uri + (s3 == null ? "" : " in " + s3.scope().region());
        }
    }

    /** A cached password or token; {@link #toString} never shows it. */
    public record Secret(String value) {
        @Override
        public String toString() {
            return "Secret[redacted]";
        }
    }

    private record Settings(Duration ttl, Duration maxStale) {
    }

    /**
     * Bound on the (TTL, maxStale) pairs with a cache of their own, per kind. The TTLs come from the URL, so a URL
     * writer could otherwise make the engine hold a cache per pair forever; beyond the bound the least recently used
     * pair's cache is dropped with its entries (a later connect with it starts a new one).
     */
    public static final int MAXIMUM_SETTINGS = 16;

    /**
     * How long past {@code ttl + maxStale} a pair's cache outlives its last use: by then every entry in it has expired
     * (refreshes run only when an entry is read), so the cache of a pair no connect uses any more, such as that of a
     * connect that failed, is dropped too.
     */
    static final Duration IDLE_MARGIN = Duration.ofMinutes(5);

    private final Ticker ticker;
    private final Executor executor;
    private final Metrics metrics;
    private final Cache<Settings, RefreshingCache<RecordKey, ConnectionRecord>> records;
    private final Cache<Settings, RefreshingCache<ParameterKey, Secret>> parameters;
    private final Cache<Settings, RefreshingCache<SecretKey, SecretFields>> secrets;
    private final Cache<Settings, RefreshingCache<TokenKey, Secret>> tokens;
    private final Cache<Settings, RefreshingCache<CaBundleKey, Path>> caBundles;

    /**
     * @param ticker time source of every cache
     * @param executor runs background refreshes
     * @param metrics counts hits, misses, loads and stale values
     */
    public Caches(Ticker ticker, Executor executor, Metrics metrics) {
        this.ticker = ticker;
        this.executor = executor;
        this.metrics = metrics;
        this.records = perSettings();
        this.parameters = perSettings();
        this.secrets = perSettings();
        this.tokens = perSettings();
        this.caBundles = perSettings();
    }

    /** @return the record cache for these settings ({@code ttl} positive) */
    public RefreshingCache<RecordKey, ConnectionRecord> records(Duration ttl, Duration maxStale) {
        return cache(records, Metrics.Kind.RECORD, ttl, maxStale);
    }

    /** @return the SSM parameter cache for these settings ({@code ttl} positive) */
    public RefreshingCache<ParameterKey, Secret> parameters(Duration ttl, Duration maxStale) {
        return cache(parameters, Metrics.Kind.PARAMETER, ttl, maxStale);
    }

    /** @return the secret cache for these settings ({@code ttl} positive) */
    public RefreshingCache<SecretKey, SecretFields> secrets(Duration ttl, Duration maxStale) {
        return cache(secrets, Metrics.Kind.SECRET, ttl, maxStale);
    }

    /** @return the IAM token cache for tokens reused {@code ttl} (positive), never served past it */
    public RefreshingCache<TokenKey, Secret> tokens(Duration ttl) {
        return cache(tokens, Metrics.Kind.TOKEN, ttl, Duration.ZERO);
    }

    /** @return the CA bundle cache for these settings ({@code ttl} positive) */
    public RefreshingCache<CaBundleKey, Path> caBundles(Duration ttl, Duration maxStale) {
        return cache(caBundles, Metrics.Kind.CA_BUNDLE, ttl, maxStale);
    }

    private <K extends RefreshingCache.Loadable<V>, V> RefreshingCache<K, V> cache(
            Cache<Settings, RefreshingCache<K, V>> caches, Metrics.Kind kind, Duration ttl, Duration maxStale) {
        Settings settings = new Settings(ttl, maxStale);
        RefreshingCache<K, V> cache = caches.getIfPresent(settings);
        return cache != null ? cache : caches.get(settings, s -> new RefreshingCache<>(kind, s.ttl(),
                s.maxStale(), MAXIMUM_SIZE, ticker, executor, metrics));
    }

    /**
     * A cache of caches: at most {@link #MAXIMUM_SETTINGS}, each dropped {@link #IDLE_MARGIN} after its entries'
     * lifetime past its last use; a dropped one is emptied.
     */
    private <K extends RefreshingCache.Loadable<V>, V> Cache<Settings, RefreshingCache<K, V>> perSettings() {
        return Caffeine.newBuilder()
                .maximumSize(MAXIMUM_SETTINGS)
                .ticker(ticker)
                .executor(Runnable::run)
                .expireAfter(Expiry.accessing((Settings s, RefreshingCache<K, V> c) ->
                        s.ttl().plus(s.maxStale()).plus(IDLE_MARGIN)))
                .<Settings, RefreshingCache<K, V>>removalListener((settings, cache, cause) -> {
                    if (cache != null && cause.wasEvicted()) {
                        cache.invalidateAll();
                    }
                })
                .build();
    }

    /** @return how many (TTL, maxStale) pairs have a cache, over every kind (after pending evictions); for tests */
    public long settingsInUse() {
        List<Cache<Settings, ?>> all = List.of(records, parameters, secrets, tokens, caBundles);
        all.forEach(Cache::cleanUp);
        return all.stream().mapToLong(Cache::estimatedSize).sum();
    }

    /** Empties every cache. */
    public void invalidateAll() {
        records.asMap().values().forEach(RefreshingCache::invalidateAll);
        parameters.asMap().values().forEach(RefreshingCache::invalidateAll);
        secrets.asMap().values().forEach(RefreshingCache::invalidateAll);
        tokens.asMap().values().forEach(RefreshingCache::invalidateAll);
        caBundles.asMap().values().forEach(RefreshingCache::invalidateAll);
    }
}
