package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TtlCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final TtlCache<String, String> cache = new TtlCache<>(100, now::get);
    private final AtomicInteger loads = new AtomicInteger();

    private String load(String key) {
        return key + "#" + loads.incrementAndGet();
    }

    @Test
    void reusesWithinTtlAndReloadsAfter() {
        Duration ttl = Duration.ofSeconds(60);
        assertThat(cache.get("k", ttl, this::load)).isEqualTo("k#1");
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(cache.get("k", ttl, this::load)).isEqualTo("k#1");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(cache.get("k", ttl, this::load)).isEqualTo("k#2");
    }

    @Test
    void aShorterTtlOfTheReaderIsHonoured() {
        cache.get("k", Duration.ofSeconds(300), this::load);
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(cache.get("k", Duration.ofSeconds(10), this::load)).isEqualTo("k#2");
        assertThat(cache.get("k", Duration.ofSeconds(300), this::load)).isEqualTo("k#2");
    }

    @Test
    void zeroTtlBypassesTheCache() {
        cache.get("k", Duration.ZERO, this::load);
        cache.get("k", Duration.ZERO, this::load);
        assertThat(loads).hasValue(2);
        assertThat(cache.contains("k")).isFalse();
    }

    @Test
    void failuresAreNotCached() {
        assertThatThrownBy(() -> cache.get("k", Duration.ofSeconds(60), k -> {
            throw new SourceException("08001", "boom");
        })).hasMessage("boom");
        assertThat(cache.get("k", Duration.ofSeconds(60), this::load)).isEqualTo("k#1");
    }

    @Test
    void keysAreIndependent() {
        cache.get("a", Duration.ofSeconds(60), this::load);
        cache.get("b", Duration.ofSeconds(60), this::load);
        assertThat(loads).hasValue(2);
    }

    @Test
    void concurrentCallersShareOneLoad() throws Exception {
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.get("k", Duration.ofSeconds(60), k -> {
                        sleep(100);
                        return load(k);
                    });
                }));
            }
            start.countDown();
            for (Future<String> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("k#1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(loads).hasValue(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
