package io.lava.jdbc.internal.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.policy.Policy;
import io.lava.jdbc.internal.request.ConnectDeadline;
import io.lava.jdbc.internal.request.ConnectionRequest;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Lets a warm connect skip parsing and resolving: a connect with the same URL, properties and
 * {@link DriverManager#getLoginTimeout()} as an earlier one through the same engine reuses that connect's parsed
 * request and {@link Resolution} until the first value it read from the caches is due for its background refresh
 * (three quarters of that value's TTL). Until then a resolve would have served exactly the same values from the caches,
 * so nothing changes for the user; from then on the caches are read again, which starts the refresh as before.
 * Refresh-ahead, stale-on-error, {@code maxStale} and rotation therefore behave as without reuse.
 *
 * <p>Why: a pool opens connections seconds or minutes apart, so the driver's own code runs with cold CPU caches and at
 * the JIT's lower tiers; the full resolve then costs about a hundred times what it costs in a tight loop (benchmark
 * rows 2 and 2b). Reuse keeps that path to one lookup.
 *
 * <p>Never reused: resolutions with an IAM token (tokens refresh on their own schedule in their cache), with a
 * value read uncached ({@code recordTtl}, {@code parameterTtl} or {@code secretTtl} 0) or served stale. When the
 * server refuses credentials anywhere, the engine calls {@link #invalidateAll()}, which ends every reuse, so a rotated
 * password that one connect picked up is what the next connect of any pool reads. Failed parses and resolves are not kept.
 *
 * <p>Thread-safe. Bounded to {@value #MAXIMUM_SIZE} distinct (URL, properties) pairs per engine. Keys hold the
 * tool's properties (a {@code password} a tool sends, though ignored, included); they are never logged and their
 * {@code toString} shows no value.
 */
final public class ReusedResolutions {
    /** Bound on the (URL, properties) pairs remembered. */
    public static final int MAXIMUM_SIZE = 1_000;



    /** What one (URL, properties, login timeout) resolves to. */
    private record Key(String url, Map<String, String> properties, int loginTimeout) {
        @Override
        public String toString() {
            return "Key[redacted]";
        }
    }

    /**
     * @param request the parsed request (pure function of the key: always reusable)
     * @param resolution the resolution to reuse, or {@code null} when it may not be reused
     * @param generation {@link #generation} before the resolve began
     */
    private record Remembered(ConnectionRequest request, Resolution resolution, long generation) {
        @Override
        public String toString() {
            return "Remembered[redacted]";
        }
    }

    /** Bumped by every invalidation; a resolution remembered before the bump is not reused. */
    private final AtomicLong generation = new AtomicLong();
    private final Cache<Key, Remembered> remembered = Caffeine.newBuilder().maximumSize(MAXIMUM_SIZE).build();
    private final UnaryOperator<String> env;
    private final Policy policy;
    private final Resolver resolver;
    private final LongSupplier nanoTime;
    private final Metrics metrics;

    /**
     * @param env environment lookup ({@code LAVA_REALM}, {@code LAVA_CONNECTIONS_FILE})
     * @param resolver resolves what cannot be reused
     * @param nanoTime the clock of the caches' ticker
     * @param metrics counts reuses
     */
    public ReusedResolutions(UnaryOperator<String> env, Resolver resolver, LongSupplier nanoTime, Metrics metrics) {
        this(env, Policy.NONE, resolver, nanoTime, metrics);
    }

    /**
     * @param policy the operator's policy, which admits each new (URL, properties) pair before it is validated
     */
    public ReusedResolutions(UnaryOperator<String> env, Policy policy, Resolver resolver, LongSupplier nanoTime,
                             Metrics metrics) {
        this.policy = policy;
        this.env = env;
        this.resolver = resolver;
        this.nanoTime = nanoTime;
        this.metrics = metrics;
    }

    /**
     * @param url a {@code jdbc:lava-pg:} URL
     * @param info the tool's properties, may be {@code null}
     * @return the request and resolution: an earlier connect's while reusable, else freshly resolved
     * @throws SQLException as {@link ConnectionRequest#of} and {@link Resolver#resolve}
     */
    public PreparedConnection resolve(String url, Properties info) throws SQLException {
        long start = nanoTime.getAsLong();
        Key key = new Key(url, snapshot(info), DriverManager.getLoginTimeout());
        Remembered last = remembered.getIfPresent(key);
        if (last != null && last.resolution() != null && last.generation() == generation.get()
                && nanoTime.getAsLong() - last.resolution().reusableUntilNanos() < 0) {
            last.resolution().countReuse(metrics);
            return new PreparedConnection(last.request(), last.resolution(),
                    ConnectDeadline.startedAt(nanoTime, start, last.request().options().loginTimeout()), true);
        }
        ConnectionRequest request = last != null ? last.request() : ConnectionRequest.of(url, info, env, policy::admit);
        ConnectDeadline deadline = ConnectDeadline.startedAt(nanoTime, start, request.options().loginTimeout());
        long before = generation.get();
        Resolution resolution = resolver.resolve(request.ref(), request.options(), deadline);
        remembered.put(key, new Remembered(request, resolution.reusable() ? resolution : null, before));
        return new PreparedConnection(request, resolution, deadline);
    }

    /** Ends the reuse of every resolution remembered so far (the server refused credentials somewhere). */
    public void invalidateAll() {
        generation.incrementAndGet();
    }

    /** Forgets everything remembered. */
    public void clear() {
        generation.incrementAndGet();
        remembered.invalidateAll();
    }

    /**
     * The properties as the driver reads them, with their defaults ({@code new Properties(defaults)}) resolved; an
     * immutable map, since the key is shared by every thread that connects with it.
     */
    private static Map<String, String> snapshot(Properties info) {
        if (info == null) {
            return Map.of();
        }
        Map<String, String> copy = new HashMap<>();
        for (String name : info.stringPropertyNames()) {
            copy.put(name, info.getProperty(name));
        }
        return Map.copyOf(copy);
    }
}
