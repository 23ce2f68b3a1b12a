package io.lava.jdbc.internal.cache;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bounded Caffeine cache of records, parameter values, secrets or RDS IAM tokens that refreshes ahead and survives
 * AWS outages: the one cache mechanism of the engine (the engine's {@code Caches} holds one per kind and setting).
 *
 * <ul>
 *   <li><b>Single flight.</b> Concurrent callers for an absent key share one load, run by the first of them; other
 *   keys are not blocked. Each of the others waits for it at most its own API call timeout (capped by its connect's
 *   deadline), then fails with 08001. A failed load is not cached: it propagates to every waiting caller, and the next
 *   call tries again.</li>
 *   <li><b>Refresh ahead.</b> Once three quarters of the TTL have passed, Caffeine reloads the entry in the background
 *   ({@code refreshAfterWrite}) while callers keep the current value, so warm connects never wait on AWS.</li>
 *   <li><b>Expiry.</b> A value older than the TTL (an idle entry) is reloaded before it is returned; concurrent callers
 *   share that reload.</li>
 *   <li><b>Answers take effect.</b> When a reload gets an answer of the source instead of a value (record not
 *   found, not enabled or invalid; parameter, secret or CA bundle not found; access or KMS denied; the sign-in over:
 *   see {@link #sourceUnavailable}), the value is still served until its TTL, then the first read past it asks the
 *   source again and, if the answer stands, drops the value and throws the answer. {@code maxStale} never extends a
 *   value its source has answered against.</li>
 *   <li><b>Stale on error.</b> When a reload fails because the source is unavailable (5xx, throttling, timeout,
 *   malformed answer, network, a credential source that cannot be reached), the last good value keeps being served
 *   until it is {@code maxStale} older than its TTL, with one WARNING per key per outage, and background reloads keep
 *   being tried. After that, callers get the reload's failure. With {@code maxStale} zero (IAM tokens) a value is
 *   never served past its TTL. This holds under concurrency: a reload catches everything (also {@link Error}s and
 *   undeclared checked exceptions) and completes with the old value and the failure; a caller that has to wait for a
 *   refresh of a value past its TTL shares the one in flight, whoever started it, for at most its own API call
 *   timeout. A refresh that ends without an answer of the source (its deadline passing, no value, a failed or
 *   cancelled future, an exception that is not a {@link SourceException}) counts as the source unavailable. A
 *   {@link LinkageError} (an incomplete jar), which no retry can cure, reaches the caller.</li>
 *   <li><b>Time limits.</b> A load the caller waits for runs with that caller's {@link CallTimeouts} (capped by its
 *   connect's deadline); a background refresh with the limits the load that produced the entry gave for it (the
 *   connect's per-call limits, uncapped).</li>
 * </ul>
 * Time comes from the injected {@link Ticker}, so tests advance it instead of waiting. Thread-safe.
 *
 * @param <K> key: an immutable value naming the source and the item, able to load it
 * @param <V> value, immutable
 */
public final class RefreshingCache<K extends RefreshingCache.Loadable<V>, V> {
    private static final Logger LOG = Logger.getLogger(RefreshingCache.class.getName());

    /** A cache key that can load its own value. */
    public interface Loadable<V> {
        /**
         * @param timeouts time limits of the AWS call the load makes, if any
         * @return the value, read from its source
         * @throws SourceException when the source fails
         */
        V load(CallTimeouts timeouts);

        /** @return what this key names, for log lines; never a secret */
        String describe();
    }

    /**
     * A cached value.
     *
     * @param value the value
     * @param loadedAtNanos ticker time of the successful load
     * @param lastFailure the failure of the latest reload, or {@code null} when the latest reload succeeded
     * @param timeouts the time limits background refreshes of this entry use
     */
    public record Entry<V>(V value, long loadedAtNanos, RuntimeException lastFailure, CallTimeouts timeouts) {
        @Override
        public String toString() {
            return "Entry[loadedAt=" + loadedAtNanos + (lastFailure == null ? "" : ", failing") + "]";
        }
    }

    /**
     * The answer to a lookup.
     *
     * @param entry the entry served (for {@link #invalidate(Loadable, Entry)})
     * @param fromCache whether the caller got it without waiting on the source
     * @param stale whether it is past its TTL because refreshing failed
     */
    public record Lookup<V>(Entry<V> entry, boolean fromCache, boolean stale) {
        public V value() {
            return entry.value();
        }
    }

    private final Metrics.Kind kind;
    private final Metrics metrics;
    private final long ttlNanos;
    private final long refreshAfterNanos;
    private final long maxStaleNanos;
    private final Ticker ticker;
    private final LoadingCache<K, Entry<V>> cache;
    private final Set<K> warned = ConcurrentHashMap.newKeySet();
    /** Loads of absent keys in flight: one per key, which the other callers for it wait on, each for its own time. */
    private final Map<K, CompletableFuture<Entry<V>>> loads = new ConcurrentHashMap<>();

    /**
     * @param kind what the cache holds, for metrics and logs
     * @param ttl how long a value is served without reloading it; positive
     * @param maxStale how long past {@code ttl} a value is still served while reloads fail; zero for never
     * @param maximumSize the most entries the cache holds; the least recently used go first beyond it
     * @param ticker time source (tests inject their own)
     * @param executor runs background refreshes
     * @param metrics counts hits, misses, loads, stale values served and refresh failures
     */
    public RefreshingCache(Metrics.Kind kind, Duration ttl, Duration maxStale, long maximumSize, Ticker ticker, Executor executor,
                    Metrics metrics) {
        this.kind = kind;
        this.metrics = metrics;
        this.ttlNanos = ttl.toNanos();
        this.refreshAfterNanos = Math.max(1, ttlNanos / 4 * 3);
        this.maxStaleNanos = maxStale.toNanos();
        this.ticker = ticker;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                .executor(executor)
                .refreshAfterWrite(Duration.ofNanos(refreshAfterNanos))
                .expireAfterWrite(ttl.plus(maxStale))
                .build(new CacheLoader<K, Entry<V>>() {
                    @Override
                    public Entry<V> load(K key) {
                        // reached only when a refresh finds the entry gone; get() passes the caller's limits
                        return fetch(key, CallTimeouts.DEFAULT);
                    }

                    @Override
                    public Entry<V> reload(K key, Entry<V> old) {
                        try {
                            Entry<V> fresh = fetch(key, old.timeouts());
                            warned.remove(key);
                            return fresh;
                        } catch (Throwable t) {
                            // every failure, Errors and undeclared checked exceptions included, completes the refresh
                            // normally with the old value and its age, so no caller waiting on it sees the failure;
                            // Caffeine tries again after refreshAfterWrite. Only a LinkageError (an incomplete jar)
                            // fails the refresh: no retry can cure it.
                            rethrowIfLinkage(t);
                            metrics.refreshFailed();
                            return new Entry<>(old.value(), old.loadedAtNanos(), lastWord(old, unchecked(t)),
                                    old.timeouts());
                        }
                    }
                });
    }

    /**
     * @param key the key
     * @param timeouts time limits of the load when the caller has to wait for one
     * @return the value: fresh, from the cache, or stale within {@code maxStale} when the source is failing
     * @throws SourceException the source's failure when nothing usable is cached
     */
    public Lookup<V> get(K key, CallTimeouts timeouts) {
        return get(key, timeouts, timeouts);
    }

    /**
     * As {@link #get(Loadable, CallTimeouts)}, with the limits a value this call loads is refreshed with later, in the
     * background: a connect near its deadline loads with what it has left, and the entry is refreshed with the
     * connect's full per-call limits.
     *
     * @param key the key
     * @param timeouts time limits of the load and of any wait, when the caller has to wait
     * @param background time limits of the background refreshes of an entry this call loads
     * @return as {@link #get(Loadable, CallTimeouts)}
     * @throws SourceException as {@link #get(Loadable, CallTimeouts)}
     */
    public Lookup<V> get(K key, CallTimeouts timeouts, CallTimeouts background) {
        Entry<V> entry = cache.getIfPresent(key);
        if (entry == null) {
            CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
            CompletableFuture<Entry<V>> running = loads.putIfAbsent(key, mine);
            if (running != null) {
                entry = await(key, running, timeouts);
            } else {
                entry = loadFirst(key, mine, timeouts, background);
                if (entry != null) {
                    metrics.miss(kind);
                    return new Lookup<>(entry, false, false);
                }
                entry = cache.getIfPresent(key);
            }
            if (entry == null) {
                return get(key, timeouts, background);
            }
        }
        long age = ticker.read() - entry.loadedAtNanos();
        if (age < ttlNanos) {
            metrics.hit(kind);
            return new Lookup<>(entry, true, false);
        }
        if (entry.lastFailure() == null || !sourceUnavailable(entry.lastFailure())) {
            // past its TTL: ask the source now, also after a refresh ahead got an answer (it may have changed since)
            Entry<V> current = entry;
            entry = refreshNow(key, entry, timeouts);
            if (entry.lastFailure() == null) {
                metrics.miss(kind);
                return new Lookup<>(entry, false, false);
            }
            if (!sourceUnavailable(entry.lastFailure())) {
                // the source answered: the value no longer holds, whatever maxStale allows
                cache.asMap().remove(key, entry);
                cache.asMap().remove(key, current);
                warned.remove(key);
                metrics.droppedOnAnswer();
                LOG.log(Level.FINE, "dropped the cached {0}: its source answered ({1})",
                        new Object[] {key.describe(), entry.lastFailure().getMessage()});
                throw entry.lastFailure();
            }
            age = ticker.read() - entry.loadedAtNanos();
        }
        if (age < ttlNanos + maxStaleNanos) {
            metrics.staleServed();
            if (warned.add(key)) {
                LOG.log(Level.WARNING, "serving a cached {0} {1} s old because refreshing it failed ({2}); it is "
                        + "served for up to {3} s past its TTL while refreshes keep being tried",
                        new Object[] {key.describe(), age / 1_000_000_000L, entry.lastFailure().getMessage(),
                                maxStaleNanos / 1_000_000_000L});
            }
            return new Lookup<>(entry, true, true);
        }
        cache.asMap().remove(key, entry);
        warned.remove(key);
        throw entry.lastFailure();
    }

    /**
     * The one rule of stale-on-error: whether a failed read lets a cached value be served past its TTL. Only when the
     * source could not be asked ({@link SourceException#sourceUnavailable()}: throttling, 5xx, timeouts, the network, a
     * credential source that cannot be reached, a file that cannot be read), or when the read ended in something other
     * than a {@link SourceException} (an unexpected exception of a library, a cancelled or wrapped future): that is no
     * answer either. An answer ({@link SourceException} made without {@code unavailable}: not found, not enabled,
     * invalid, denied, the sign-in over) drops the value.
     *
     * @param failure what the read threw
     * @return whether the cached value may still be served
     */
    public static boolean sourceUnavailable(Throwable failure) {
        return !(failure instanceof SourceException source) || source.sourceUnavailable();
    }

    /**
     * @param entry an entry this cache served
     * @return the ticker time from which a read of {@code entry} starts its background refresh (three quarters of the
     *     TTL after it was loaded); until then every read serves it unchanged
     */
    public long refreshDueNanos(Entry<V> entry) {
        return entry.loadedAtNanos() + refreshAfterNanos;
    }

    /**
     * Reads a value from its source without caching it (a TTL of zero), logging the read at FINE.
     *
     * @param key what to read
     * @param timeouts time limits of the AWS call
     * @return the value
     * @throws SourceException when the source fails
     */
    public static <V> V load(Loadable<V> key, CallTimeouts timeouts) {
        LOG.log(Level.FINE, "reading {0}", key.describe());
        return key.load(timeouts);
    }

    /**
     * Loads an absent key as the one caller that does; the others wait on {@code mine} ({@link #await}).
     *
     * @return the loaded entry, or {@code null} when another caller's load had already put one in the cache
     */
    private Entry<V> loadFirst(K key, CompletableFuture<Entry<V>> mine, CallTimeouts timeouts,
                               CallTimeouts background) {
        try {
            Entry<V> present = cache.getIfPresent(key);
            if (present != null) {
                mine.complete(present);
                return null;
            }
            Entry<V> fresh = fetch(key, timeouts, background);
            cache.put(key, fresh);
            mine.complete(fresh);
            return fresh;
        } catch (Throwable t) {
            mine.completeExceptionally(t);
            throw t;
        } finally {
            loads.remove(key, mine);
        }
    }

    /**
     * Waits for another caller's load of an absent key for at most this caller's API call timeout (already capped by
     * its connect's deadline).
     *
     * @return the other caller's entry
     * @throws SourceException that load's failure, or (08001) when it did not end in time
     */
    private Entry<V> await(K key, CompletableFuture<Entry<V>> running, CallTimeouts timeouts) {
        try {
            return running.get(timeouts.apiCall().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "waited " + timeouts.apiCall().toMillis()
                    + " ms for "
                    + "another connect's read of " + key.describe() + " (awsApiCallTimeout, capped by "
                    + "loginTimeout), and it did not finish", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "interrupted while waiting for another connect's "
                    + "read of " + key.describe(), e);
        } catch (ExecutionException e) {
            Throwable failure = cause(e);
            rethrowIfLinkage(failure);
            if (failure instanceof Error error) {
                throw error;
            }
            throw unchecked(failure);
        }
    }

    private Entry<V> fetch(K key, CallTimeouts timeouts) {
        return fetch(key, timeouts, timeouts);
    }

    private Entry<V> fetch(K key, CallTimeouts timeouts, CallTimeouts background) {
        V value = load(key, timeouts);
        metrics.loaded(kind);
        return new Entry<>(value, ticker.read(), null, background);
    }

    /**
     * Reloads now, sharing any reload already in flight for this key, whoever started it (a background refresh ahead
     * with another caller's limits, or another caller's {@code refreshNow}); waits at most the caller's API call
     * timeout for it.
     *
     * @return the fresh entry; or, when the reload failed in any way (the failure the reload recorded, a failure of the
     *     future Caffeine returned, such as a {@link CompletionException} or {@link java.util.concurrent.CancellationException}, a refresh
     *     that went through {@code load} because the entry was removed meanwhile, or the caller's deadline passing),
     *     {@code current} carrying that failure, for the caller's {@code maxStale} rule to serve or throw. Never throws,
     *     except a {@link LinkageError}.
     */
    private Entry<V> refreshNow(K key, Entry<V> current, CallTimeouts timeouts) {
        Throwable failure;
        try {
            Entry<V> refreshed = cache.refresh(key).get(timeouts.apiCall().toNanos(), TimeUnit.NANOSECONDS);
            if (refreshed != null) {
                return refreshed;
            }
            failure = SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "refreshing " + key.describe()
                    + " gave no value", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (TimeoutException e) {
            failure = SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "refreshing " + key.describe()
                    + " did not finish within " + timeouts.apiCall().toMillis() + " ms", e);
        } catch (Throwable t) {
            failure = t instanceof ExecutionException || t instanceof CompletionException ? cause(t) : t;
        }
        rethrowIfLinkage(failure);
        metrics.refreshFailed();
        return new Entry<>(current.value(), current.loadedAtNanos(), lastWord(current, unchecked(failure)),
                current.timeouts());
    }

    /**
     * @return {@code failure}, unless the source is unavailable now but had answered against the value before: then
     *     that answer, which an outage does not take back
     */
    private static RuntimeException lastWord(Entry<?> old, RuntimeException failure) {
        RuntimeException before = old.lastFailure();
        return before != null && !sourceUnavailable(before) && sourceUnavailable(failure) ? before : failure;
    }

    /** @return the innermost cause under {@link ExecutionException} and {@link CompletionException} wrappers */
    private static Throwable cause(Throwable t) {
        Throwable c = t;
        for (int depth = 0; depth < 20 && (c instanceof ExecutionException || c instanceof CompletionException)
                && c.getCause() != null; depth++) {
            c = c.getCause();
        }
        return c;
    }

    /** Lets a {@link LinkageError}, also inside wrappers, reach the resolver, which reports an incomplete jar. */
    private static void rethrowIfLinkage(Throwable t) {
        LinkageError linkage = Errors.linkageError(t);
        if (linkage != null) {
            throw linkage;
        }
    }

    /**
     * @return {@code t} when it is unchecked; else a {@link SourceException} (08001) with it as cause, so that what a
     *     caller is thrown past {@code maxStale} is a failure the resolver turns into an {@link java.sql.SQLException}
     */
    private static RuntimeException unchecked(Throwable t) {
        Throwable c = cause(t);
        if (c instanceof RuntimeException r) {
            return r;
        }
        return SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "refreshing failed: " + c, c);
    }

    /**
     * Drops {@code entry} if it is still the one cached for {@code key}, so that callers that saw the server refuse the
     * same credentials drop them once, not the fresh value another caller already loaded.
     */
    public void invalidate(K key, Entry<V> entry) {
        cache.asMap().remove(key, entry);
    }

    /**
     * @param key a key
     * @return whether a value for {@code key} is cached and within its TTL, so that {@link #get} serves it without a
     *     read; looks without counting a hit or a miss, refreshing or loading
     */
    public boolean holdsFresh(K key) {
        Entry<V> entry = cache.policy().getIfPresentQuietly(key);
        return entry != null && ticker.read() - entry.loadedAtNanos() < ttlNanos;
    }

    /** Drops every value. */
    public void invalidateAll() {
        cache.invalidateAll();
    }
}
