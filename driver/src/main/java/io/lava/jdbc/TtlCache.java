package io.lava.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.function.Function;

/**
 * A bounded Caffeine cache whose entries live as long as the TTL of the connect that loaded them, and whose reads
 * honour the reader's own TTL: a caller asking with a shorter TTL than the entry's age gets a fresh value.
 *
 * <p>Concurrency: concurrent callers for the same absent key share one load (Caffeine's per-key compute); callers for
 * other keys are not blocked. Failure: a loader's exception propagates to every caller waiting on that load and nothing
 * is cached, so the next call tries again. A TTL of zero bypasses the cache.
 *
 * @param <K> key type, an immutable value naming the source and the item
 * @param <V> value type, immutable
 */
final class TtlCache<K, V> {
    private record Entry<V>(V value, long loadedAtNanos, long ttlNanos) {
    }

    private final Cache<K, Entry<V>> cache;
    private final Ticker ticker;

    /**
     * @param maximumSize bound on the number of entries (least recently/frequently used evicted first)
     * @param ticker the time source (tests inject their own)
     */
    TtlCache(long maximumSize, Ticker ticker) {
        this.ticker = ticker;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                .expireAfter(Expiry.<K, Entry<V>>creating((key, entry) -> Duration.ofNanos(entry.ttlNanos())))
                .build();
    }

    /**
     * Returns the cached value if it is younger than {@code ttl}, else loads it (once across concurrent callers).
     *
     * @param key the key
     * @param ttl how old a value this caller accepts; zero bypasses the cache
     * @param loader computes the value; may throw an unchecked exception, which is propagated and not cached
     * @return the value
     */
    V get(K key, Duration ttl, Function<? super K, ? extends V> loader) {
        long ttlNanos = ttl.toNanos();
        if (ttlNanos <= 0) {
            return loader.apply(key);
        }
        for (int attempt = 0; ; attempt++) {
            Entry<V> entry = cache.get(key, k -> new Entry<>(loader.apply(k), ticker.read(), ttlNanos));
            if (attempt > 0 || ticker.read() - entry.loadedAtNanos() < ttlNanos) {
                return entry.value();
            }
            cache.asMap().remove(key, entry); // older than this caller accepts
        }
    }

    /** @return whether a value for {@code key} is cached (it may still be older than a given caller's TTL) */
    boolean contains(K key) {
        return cache.getIfPresent(key) != null;
    }

    /** Drops the value for {@code key}, if any. */
    void invalidate(K key) {
        cache.invalidate(key);
    }

    /** Drops every value. */
    void invalidateAll() {
        cache.invalidateAll();
    }
}
