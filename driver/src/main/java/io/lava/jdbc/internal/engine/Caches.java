package io.lava.jdbc.internal.engine;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * An engine's caches, one {@link RefreshingCache} per kind (records, SSM parameter values, secrets, RDS IAM tokens)
 * and per distinct (TTL, maxStale) pair in use — normally exactly one each. Keys hold the source (which names the AWS
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

    private final Ticker ticker;
    private final Executor executor;
    private final Metrics metrics;
    private final Map<Settings, RefreshingCache<RecordKey, ConnectionRecord>> records = new ConcurrentHashMap<>();
    private final Map<Settings, RefreshingCache<ParameterKey, Secret>> parameters = new ConcurrentHashMap<>();
    private final Map<Settings, RefreshingCache<SecretKey, SecretFields>> secrets = new ConcurrentHashMap<>();
    private final Map<Settings, RefreshingCache<TokenKey, Secret>> tokens = new ConcurrentHashMap<>();
    private final Map<Settings, RefreshingCache<CaBundleKey, Path>> caBundles = new ConcurrentHashMap<>();

    /**
     * @param ticker time source of every cache
     * @param executor runs background refreshes
     * @param metrics counts hits, misses, loads and stale values
     */
    public Caches(Ticker ticker, Executor executor, Metrics metrics) {
        this.ticker = ticker;
        this.executor = executor;
        this.metrics = metrics;
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
            Map<Settings, RefreshingCache<K, V>> caches, Metrics.Kind kind, Duration ttl, Duration maxStale) {
        Settings settings = new Settings(ttl, maxStale);
        RefreshingCache<K, V> cache = caches.get(settings);
        return cache != null ? cache : caches.computeIfAbsent(settings, s -> new RefreshingCache<>(kind, s.ttl(),
                s.maxStale(), MAXIMUM_SIZE, ticker, executor, metrics));
    }

    /** Empties every cache. */
    public void invalidateAll() {
        records.values().forEach(RefreshingCache::invalidateAll);
        parameters.values().forEach(RefreshingCache::invalidateAll);
        secrets.values().forEach(RefreshingCache::invalidateAll);
        tokens.values().forEach(RefreshingCache::invalidateAll);
        caBundles.values().forEach(RefreshingCache::invalidateAll);
    }
}
