package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a URL can make the engine hold stays bounded: caches per TTL pair, and background refresh threads. */
class BoundedResourcesTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final FakeSources sources = new FakeSources();
    private final Engine engine = new Engine(key -> null, now::get, Runnable::run, new Metrics(), sources);

    private Caches caches() throws Exception {
        var field = Engine.class.getDeclaredField("caches");
        field.setAccessible(true);
        return (Caches) field.get(engine);
    }

    private static Map<String, Object> record() {
        return new java.util.HashMap<>(Map.of("type", "postgres", "enabled", true, "host", "db.internal", "port",
                new BigDecimal(5432), "database", "dw", "user", "etl", "password", "/lava/prod/etl"));
    }

    /** Each row: the query a tenant adds, with {@code N} replaced by a different number on each connect. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"recordTtl=N", "parameterTtl=N", "maxStale=N", "recordTtl=N&parameterTtl=N&maxStale=N",
            "recordTtl=%3N", "RECORDTTL=N"})
    void aFloodOfTtlPairsKeepsAtMostTheBoundOfCachesPerKind(String query) throws Exception {
        sources.records.put("wh", record());
        sources.parameters.put("/lava/prod/etl", "pw");
        for (int i = 1; i <= 300; i++) {
            try {
                engine.resolve("jdbc:lava-pg:prod/wh?" + query.replace("N", Integer.toString(i)), new Properties());
            } catch (SQLException e) {
                assertThat(e.getSQLState()).isEqualTo("08001"); // RECORDTTL is not a property: passes to pgjdbc
            }
        }
        assertThat(caches().settingsInUse()).isLessThanOrEqualTo(5L * Caches.MAXIMUM_SETTINGS);
        engine.close();
    }

    @Test
    void theCachesOfAFailedConnectAreDroppedOnceIdle() throws Exception {
        sources.failures.put("/lava/prod/etl", SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "SSM down", null));
        sources.records.put("wh", record());
        for (int i = 1; i <= 5; i++) {
            int ttl = i;
            assertThatThrownBy(() -> engine.resolve("jdbc:lava-pg:prod/wh?recordTtl=" + ttl + "&parameterTtl="
                    + ttl, new Properties())).isInstanceOf(SQLException.class);
        }
        assertThat(caches().settingsInUse()).isEqualTo(10);
        now.addAndGet(Duration.ofSeconds(5 + 3600).plus(Caches.IDLE_MARGIN).plus(Duration.ofSeconds(1)).toNanos());
        assertThat(caches().settingsInUse()).isZero();
        engine.close();
    }

    @Test
    void anEvictedCacheIsEmptied() throws Exception {
        Caches caches = new Caches(now::get, Runnable::run, new Metrics());
        AtomicInteger loads = new AtomicInteger();
        Caches.SecretKey key = new Caches.SecretKey((id, timeouts) -> {
            loads.incrementAndGet();
            return io.lava.jdbc.internal.record.SecretFields.NONE;
        }, "/lava/prod/s");
        var timeouts = io.lava.jdbc.internal.request.CallTimeouts.DEFAULT;
        java.util.List<io.lava.jdbc.internal.cache.RefreshingCache<Caches.SecretKey, ?>> made = new java.util.ArrayList<>();
        for (int i = 1; i <= 4 * Caches.MAXIMUM_SETTINGS; i++) {
            var cache = caches.secrets(Duration.ofSeconds(i), Duration.ofMinutes(5));
            cache.get(key, timeouts, timeouts);
            made.add(cache);
        }
        assertThat(loads.get()).isEqualTo(4 * Caches.MAXIMUM_SETTINGS);
        assertThat(caches.settingsInUse()).isLessThanOrEqualTo(Caches.MAXIMUM_SETTINGS);
        assertThat(made.stream().filter(c -> c.holdsFresh(key)).count()).as("evicted caches were emptied")
                .isLessThanOrEqualTo(Caches.MAXIMUM_SETTINGS);
        engine.close();
    }

    @Test
    void backgroundRefreshesRunOnAtMostFourNamedDaemonThreadsOfTheEngine() throws Exception {
        ExecutorService pool = Engine.refreshPool();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger started = new AtomicInteger();
        CountDownLatch allBusy = new CountDownLatch(Engine.REFRESH_THREADS);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(40);
        try {
            for (int i = 0; i < 40; i++) {
                pool.execute(() -> {
                    threads.add(Thread.currentThread());
                    started.incrementAndGet();
                    allBusy.countDown();
                    try {
                        // every task holds its thread until the test has seen how many run at once
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.countDown();
                });
            }
            assertThat(allBusy.await(20, TimeUnit.SECONDS)).as("the pool's threads all started").isTrue();
            assertThat(started.get()).as("tasks running while every thread is held")
                    .isEqualTo(Engine.REFRESH_THREADS);
            release.countDown();
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(threads).hasSizeLessThanOrEqualTo(Engine.REFRESH_THREADS).allSatisfy(t -> {
                assertThat(t.isDaemon()).isTrue();
                assertThat(t.getName()).startsWith("lava-pg-refresh-");
                assertThat(t.getContextClassLoader()).isSameAs(Engine.class.getClassLoader());
            });
        } finally {
            pool.shutdownNow();
        }
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anEngineOfItsOwnRefreshesOffTheCommonPoolAndEndsItsThreadsOnClose() throws Exception {
        Engine real = Engine.create(k -> null);
        var field = Engine.class.getDeclaredField("ownRefreshes");
        field.setAccessible(true);
        ExecutorService refreshes = (ExecutorService) field.get(real);
        assertThat(refreshes).isNotNull().isNotSameAs(java.util.concurrent.ForkJoinPool.commonPool());
        real.close();
        assertThat(refreshes.isShutdown()).isTrue();
    }
}
