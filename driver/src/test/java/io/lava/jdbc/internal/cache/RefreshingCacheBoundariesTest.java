package io.lava.jdbc.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The time boundaries of {@link RefreshingCache} to the nanosecond (fresh below the TTL, stale below TTL + maxStale,
 * refresh ahead after three quarters of the TTL), what each answer counts, and what a caller waiting for another
 * caller's load gets. Time is a counter the test advances; background refreshes run only when the test says so.
 */
class RefreshingCacheBoundariesTest {
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Duration MAX_STALE = Duration.ofMinutes(10);
    private static final CallTimeouts T = CallTimeouts.DEFAULT;
    /** For a caller that must not wait on a refresh that is queued and never runs. */
    private static final CallTimeouts BRIEF = new CallTimeouts(Duration.ofMillis(1), Duration.ofMillis(1));
    private static final Logger CACHE_LOG = Logger.getLogger(RefreshingCache.class.getName());

    /** A source whose loads are counted, can fail, and can be held until the test lets them go. */
    private static final class Source {
        final AtomicInteger loads = new AtomicInteger();
        volatile Throwable failWith;
        volatile CountDownLatch hold;
        final CountDownLatch entered = new CountDownLatch(1);

        String load(String name) {
            int n = loads.incrementAndGet();
            entered.countDown();
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Throwable t = failWith;
            if (t != null) {
                throw RefreshingCacheBoundariesTest.<RuntimeException>sneaky(t);
            }
            return name + "#" + n;
        }
    }

    private record Key(Source source, String name) implements RefreshingCache.Loadable<String> {
        @Override
        public String load(CallTimeouts timeouts) {
            return source.load(name);
        }

        @Override
        public String describe() {
            return "item '" + name + "'";
        }
    }

    /** Far from zero, as {@link System#nanoTime()} is: an age is a difference of two readings, never a reading. */
    private final AtomicLong now = new AtomicLong(7_000_000_000_000L);
    private final long start = now.get();
    private final Source source = new Source();
    private final Key key = new Key(source, "k");
    private final Metrics metrics = new Metrics();
    private final List<Runnable> background = new ArrayList<>();
    /** Background refreshes wait in {@link #background} until {@link #runBackground()}. */
    private final RefreshingCache<Key, String> queued = cache(Metrics.Kind.SECRET, TTL, MAX_STALE,
            this::queue);
    /** Background refreshes run at once, on the reading thread. */
    private final RefreshingCache<Key, String> direct = cache(Metrics.Kind.SECRET, TTL, MAX_STALE, Runnable::run);
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel() == Level.WARNING) {
                warnings.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private RefreshingCache<Key, String> cache(Metrics.Kind kind, Duration ttl, Duration maxStale,
                                               java.util.concurrent.Executor executor) {
        return new RefreshingCache<>(kind, ttl, maxStale, 100, now::get, executor, metrics);
    }

    private void queue(Runnable r) {
        synchronized (background) {
            background.add(r);
        }
    }

    private void runBackground() {
        while (true) {
            Runnable next;
            synchronized (background) {
                if (background.isEmpty()) {
                    return;
                }
                next = background.remove(0);
            }
            next.run();
        }
    }

    /** Sets the clock to {@code d} after the test's start. */
    private void at(Duration d) {
        now.set(start + d.toNanos());
    }

    private void failing() {
        source.failWith = SourceException.unavailable("08001", "source down", null);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @BeforeEach
    void captureWarnings() {
        CACHE_LOG.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        CACHE_LOG.removeHandler(capture);
    }

    @ParameterizedTest(name = "{0} ns after the load: fresh {1}")
    @CsvSource({
            "0, true",
            "45000000000, true",
            "59999999999, true",
            "60000000000, false",
            "60000000001, false"})
    void aValueIsFreshForExactlyItsTtl(long nanos, boolean fresh) {
        queued.get(key, T);
        at(Duration.ofNanos(nanos));
        assertThat(queued.holdsFresh(key)).isEqualTo(fresh);
        RefreshingCache.Lookup<String> lookup = queued.get(key, BRIEF); // the refresh ahead is queued, never run
        assertThat(lookup.value()).isEqualTo("k#1");
        assertThat(lookup.fromCache()).isTrue();
        assertThat(lookup.stale()).as("past the TTL, while the refresh has not finished").isEqualTo(!fresh);
        assertThat(source.loads).hasValue(1);
    }

    @ParameterizedTest(name = "{0} ns after the load: refresh ahead {1}")
    @CsvSource({
            "44999999999, false",
            "45000000000, false",
            "45000000001, true",
            "59999999999, true"})
    void theRefreshAheadStartsAfterThreeQuartersOfTheTtl(long nanos, boolean refreshed) {
        RefreshingCache.Lookup<String> first = queued.get(key, T);
        assertThat(queued.refreshDueNanos(first.entry())).isEqualTo(start + Duration.ofSeconds(45).toNanos());
        at(Duration.ofNanos(nanos));
        RefreshingCache.Lookup<String> lookup = queued.get(key, T);
        assertThat(lookup.value()).as("the current value is served while the refresh runs").isEqualTo("k#1");
        assertThat(lookup.fromCache()).isTrue();
        runBackground();
        assertThat(source.loads).hasValue(refreshed ? 2 : 1);
        assertThat(queued.get(key, T).value()).isEqualTo(refreshed ? "k#2" : "k#1");
    }

    @ParameterizedTest(name = "TTL {0} ns: refresh due {1} ns after the load")
    @CsvSource({
            "1, 1",
            "3, 1",
            "4, 3",
            "7, 3",
            "8, 6",
            "60000000000, 45000000000",
            "840000000000, 630000000000"})
    void theRefreshIsDueAtThreeQuartersOfTheTtlInWholeQuarters(long ttlNanos, long dueNanos) {
        RefreshingCache<Key, String> c = cache(Metrics.Kind.TOKEN, Duration.ofNanos(ttlNanos), Duration.ZERO,
                this::queue);
        RefreshingCache.Lookup<String> lookup = c.get(key, T);
        assertThat(c.refreshDueNanos(lookup.entry())).isEqualTo(start + dueNanos);
    }

    @ParameterizedTest(name = "{0} ns after the load: served stale {1}")
    @CsvSource({
            "60000000000, true",
            "300000000000, true",
            "659999999999, true",
            "660000000000, false",
            "660000000001, false"})
    void aStaleValueIsServedUpToExactlyMaxStalePastItsTtl(long nanos, boolean served) {
        direct.get(key, T);
        failing();
        at(TTL);
        assertThat(direct.get(key, T).stale()).as("the first failed refresh").isTrue();
        at(Duration.ofNanos(nanos));
        if (served) {
            RefreshingCache.Lookup<String> lookup = direct.get(key, T);
            assertThat(lookup.value()).isEqualTo("k#1");
            assertThat(lookup.stale()).isTrue();
            assertThat(lookup.fromCache()).isTrue();
        } else {
            assertThatThrownBy(() -> direct.get(key, T)).isInstanceOf(SourceException.class)
                    .hasMessage("source down");
        }
    }

    @Test
    void pastMaxStaleTheEntryIsDroppedAndTheNextReadLoadsAnew() {
        queued.get(key, T);
        failing();
        at(Duration.ofSeconds(46));
        queued.get(key, T);
        runBackground(); // the refresh ahead fails: the entry keeps its value and its load time
        at(TTL.plus(MAX_STALE));
        assertThatThrownBy(() -> queued.get(key, BRIEF)).isInstanceOf(SourceException.class)
                .hasMessage("source down");
        runBackground(); // another failed refresh, started by that read, ends after the entry was dropped
        source.failWith = null;
        RefreshingCache.Lookup<String> lookup = queued.get(key, BRIEF);
        assertThat(lookup.value()).startsWith("k#").isNotEqualTo("k#1");
        assertThat(lookup.fromCache()).isFalse();
        assertThat(lookup.stale()).isFalse();
    }

    @Test
    void withZeroMaxStaleAValueIsNeverServedPastItsTtl() {
        RefreshingCache<Key, String> strict = cache(Metrics.Kind.TOKEN, TTL, Duration.ZERO, Runnable::run);
        strict.get(key, T);
        failing();
        at(TTL.minusNanos(1));
        assertThat(strict.get(key, T).value()).as("the failed refresh ahead keeps the token").isEqualTo("k#1");
        at(TTL);
        assertThatThrownBy(() -> strict.get(key, T)).hasMessage("source down");
        assertThat(metrics.getStaleValuesServed()).isZero();
    }

    /**
     * Reads on another thread and, once that read waits in {@code refreshNow} for the refresh its own read started,
     * runs the refresh: the read past the TTL that reloads before it serves, as on the engine's pool, in a fixed order.
     */
    private RefreshingCache.Lookup<String> readWaitingForTheRefresh() throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            List<Thread> thread = new ArrayList<>();
            reader.submit(() -> thread.add(Thread.currentThread())).get(10, TimeUnit.SECONDS);
            Future<RefreshingCache.Lookup<String>> read = reader.submit(() -> queued.get(key, T));
            awaitParkedIn(thread.get(0), "refreshNow", RefreshingCache.class);
            runBackground();
            return read.get(10, TimeUnit.SECONDS);
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void eachAnswerIsCountedOnce() throws Exception {
        queued.get(key, T); // miss
        at(Duration.ofSeconds(10));
        queued.get(key, T); // hit
        queued.get(key, T); // hit
        at(Duration.ofSeconds(200));
        readWaitingForTheRefresh(); // past the TTL: reloaded before it is served, a miss
        assertThat(metrics.getSecretCacheMisses()).isEqualTo(2);
        assertThat(metrics.getSecretCacheHits()).isEqualTo(2);
        assertThat(metrics.getRefreshFailures()).isZero();
        failing();
        at(Duration.ofSeconds(400));
        assertThat(readWaitingForTheRefresh().stale()).isTrue();
        assertThat(metrics.getStaleValuesServed()).isEqualTo(1);
        assertThat(metrics.getRefreshFailures()).isEqualTo(1);
        assertThat(metrics.getSecretCacheHits()).isEqualTo(2);
        assertThat(metrics.getSecretCacheMisses()).isEqualTo(2);
    }

    @Test
    void anIdleValueReloadedPastItsTtlIsNotFromTheCache() throws Exception {
        queued.get(key, T);
        at(TTL);
        RefreshingCache.Lookup<String> lookup = readWaitingForTheRefresh();
        assertThat(lookup.value()).isEqualTo("k#2");
        assertThat(lookup.fromCache()).isFalse();
        assertThat(lookup.stale()).isFalse();
        assertThat(lookup.entry().loadedAtNanos()).isEqualTo(now.get());
        assertThat(lookup.entry().lastFailure()).isNull();
    }

    @Test
    void mintsAreCountedForTokensOnly() {
        RefreshingCache<Key, String> tokens = cache(Metrics.Kind.TOKEN, TTL, Duration.ZERO, Runnable::run);
        tokens.get(key, T);
        tokens.get(new Key(source, "other"), T);
        direct.get(key, T);
        assertThat(metrics.getTokenMints()).isEqualTo(2);
    }

    @Test
    void oneWarningPerOutageWithTheAgeAndTheAllowance() {
        direct.get(key, T);
        failing();
        at(Duration.ofSeconds(90));
        direct.get(key, T);
        at(Duration.ofSeconds(120));
        direct.get(key, T);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getParameters())
                .containsExactly("item 'k'", 90L, "source down", 600L);
        // the source recovers, then fails again: a new outage, a new warning
        source.failWith = null;
        at(Duration.ofSeconds(200));
        assertThat(direct.get(key, T).stale()).isFalse();
        failing();
        at(Duration.ofSeconds(300));
        assertThat(direct.get(key, T).stale()).isTrue();
        assertThat(warnings).hasSize(2);
    }

    @Test
    void afterAValueRanOutTheNextOutageWarnsAgain() {
        direct.get(key, T);
        failing();
        at(Duration.ofSeconds(61));
        direct.get(key, T);
        at(TTL.plus(MAX_STALE).plusSeconds(1));
        assertThatThrownBy(() -> direct.get(key, T)).isInstanceOf(SourceException.class);
        source.failWith = null;
        direct.get(key, T);
        failing();
        at(TTL.plus(MAX_STALE).plusSeconds(62));
        assertThat(direct.get(key, T).stale()).isTrue();
        assertThat(warnings).hasSize(2);
    }

    @Test
    void anInterruptedCallerGetsTheStaleValueAndKeepsItsInterrupt() {
        queued.get(key, T);
        at(Duration.ofSeconds(46));
        queued.get(key, T); // the refresh ahead is queued, never run
        at(Duration.ofSeconds(61));
        Thread.currentThread().interrupt();
        RefreshingCache.Lookup<String> lookup;
        try {
            lookup = queued.get(key, T);
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }
        assertThat(lookup.stale()).isTrue();
        assertThat(lookup.entry().lastFailure()).isInstanceOf(SourceException.class)
                .hasMessage("refreshing failed: java.lang.InterruptedException")
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(lookup.entry()).hasToString("Entry[loadedAt=" + start + ", failing]");
        assertThat(metrics.getRefreshFailures()).isEqualTo(1);
    }

    @Test
    void aFailedRefreshKeepsTheValueItsLoadTimeAndTheLimits() {
        CallTimeouts limits = new CallTimeouts(Duration.ofSeconds(9), Duration.ofSeconds(2));
        RefreshingCache.Lookup<String> first = direct.get(key, limits);
        assertThat(first.entry()).hasToString("Entry[loadedAt=" + start + "]");
        assertThat(first.entry().timeouts()).isEqualTo(limits);
        source.failWith = new IOException("disk");
        at(Duration.ofSeconds(61));
        RefreshingCache.Lookup<String> stale = direct.get(key, T);
        assertThat(stale.entry().value()).isEqualTo("k#1");
        assertThat(stale.entry().loadedAtNanos()).isEqualTo(start);
        assertThat(stale.entry().timeouts()).isEqualTo(limits);
        assertThat(stale.entry().lastFailure()).isInstanceOf(SourceException.class)
                .hasMessage("refreshing failed: java.io.IOException: disk").hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aLoadWithOtherBackgroundLimitsKeepsThoseForItsRefreshes() {
        CallTimeouts left = new CallTimeouts(Duration.ofMillis(300), Duration.ofMillis(300));
        RefreshingCache.Lookup<String> lookup = direct.get(key, left, T);
        assertThat(lookup.entry().timeouts()).isEqualTo(T);
        assertThat(lookup.fromCache()).isFalse();
    }

    @Test
    void invalidateAllDropsEveryValue() {
        direct.get(key, T);
        Key other = new Key(source, "other");
        direct.get(other, T);
        direct.invalidateAll();
        assertThat(direct.holdsFresh(key)).isFalse();
        assertThat(direct.holdsFresh(other)).isFalse();
        assertThat(direct.get(key, T).value()).isEqualTo("k#3");
    }

    @Test
    void holdsFreshNeitherCountsNorLoads() {
        assertThat(direct.holdsFresh(key)).isFalse();
        direct.get(key, T);
        assertThat(direct.holdsFresh(key)).isTrue();
        assertThat(source.loads).hasValue(1);
        assertThat(metrics.getSecretCacheHits()).isZero();
        assertThat(metrics.getSecretCacheMisses()).isEqualTo(1);
    }

    @Test
    void anUncachedReadGoesToTheSourceEachTime() {
        assertThat(RefreshingCache.load(key, T)).isEqualTo("k#1");
        assertThat(RefreshingCache.load(key, T)).isEqualTo("k#2");
    }

    // ---- a caller waiting for another caller's load of an absent key ----

    /** Starts the first load on another thread, held in the source until the returned latch is counted down. */
    private Future<String> firstLoadHeld(ExecutorService first) throws InterruptedException {
        source.hold = new CountDownLatch(1);
        Future<String> loading = first.submit(() -> queued.get(key, T).value());
        assertThat(source.entered.await(10, TimeUnit.SECONDS)).isTrue();
        return loading;
    }

    @Test
    void aWaitingCallerGivesUpAfterItsOwnCallTimeout() throws Exception {
        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            Future<String> loading = firstLoadHeld(first);
            CallTimeouts tight = new CallTimeouts(Duration.ofMillis(20), Duration.ofMillis(20));
            assertThatThrownBy(() -> queued.get(key, tight)).isInstanceOfSatisfying(SourceException.class, e -> {
                assertThat(e.sqlState()).isEqualTo("08001");
                assertThat(e).hasMessage("waited 20 ms for another connect's read of item 'k' (awsApiCallTimeout, "
                        + "capped by loginTimeout), and it did not finish");
            });
            source.hold.countDown();
            assertThat(loading.get(10, TimeUnit.SECONDS)).isEqualTo("k#1");
        } finally {
            source.hold.countDown();
            first.shutdownNow();
        }
        assertThat(source.loads).hasValue(1);
    }

    @Test
    void anInterruptedWaitingCallerFailsAndKeepsItsInterrupt() throws Exception {
        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            firstLoadHeld(first);
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> queued.get(key, T)).isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("08001");
                    assertThat(e).hasMessage("interrupted while waiting for another connect's read of item 'k'");
                });
            } finally {
                assertThat(Thread.interrupted()).isTrue();
            }
        } finally {
            source.hold.countDown();
            first.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a source failure       | SourceException
            an unchecked exception | IllegalStateException
            an error               | AssertionError
            a checked exception    | IOException
            an incomplete jar      | NoClassDefFoundError
            an incomplete jar, wrapped | wrapped NoClassDefFoundError
            """)
    void aWaitingCallerGetsTheFailureOfTheLoadItWaitedFor(String what, String type) throws Exception {
        Throwable failure = switch (type) {
            case "SourceException" -> SourceException.unavailable("08001", "source down", null);
            case "IllegalStateException" -> new IllegalStateException("odd");
            case "AssertionError" -> new AssertionError("bug");
            case "IOException" -> new IOException("disk");
            case "NoClassDefFoundError" -> new NoClassDefFoundError("software/amazon/awssdk/Missing");
            default -> new IllegalStateException("init", new NoClassDefFoundError("software/amazon/awssdk/Missing"));
        };
        ExecutorService first = Executors.newSingleThreadExecutor();
        Future<Throwable> waiting;
        ExecutorService second = Executors.newSingleThreadExecutor();
        try {
            Future<String> loading = firstLoadHeld(first);
            source.failWith = failure;
            List<Thread> waiter = new ArrayList<>();
            second.submit(() -> waiter.add(Thread.currentThread())).get(10, TimeUnit.SECONDS);
            waiting = second.submit(() -> {
                try {
                    queued.get(key, T);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            awaitParkedIn(waiter.get(0), "await", RefreshingCache.class);
            source.hold.countDown();
            assertThatThrownBy(() -> loading.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            Throwable got = waiting.get(10, TimeUnit.SECONDS);
            if (failure instanceof IOException) {
                assertThat(got).isInstanceOf(SourceException.class).hasCause(failure)
                        .hasMessage("refreshing failed: java.io.IOException: disk");
            } else if (type.startsWith("wrapped")) {
                assertThat(got).as("the incomplete jar itself").isSameAs(failure.getCause());
            } else {
                assertThat(got).isSameAs(failure);
            }
        } finally {
            source.hold.countDown();
            first.shutdownNow();
            second.shutdownNow();
        }
        assertThat(source.loads).as("one load, shared").hasValue(1);
        source.failWith = null;
        assertThat(queued.get(key, T).value()).as("a failed load is not cached").isEqualTo("k#2");
    }

    /** Until {@code thread} waits in {@code method} of {@code type}. */
    private static void awaitParkedIn(Thread thread, String method, Class<?> type) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Thread.State state = thread.getState();
            if ((state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                    && Stream.of(thread.getStackTrace()).anyMatch(f -> f.getMethodName().equals(method)
                    && f.getClassName().equals(type.getName()))) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the reader did not wait in " + method);
    }

    @Test
    void wrappedFailuresOfARefreshAreUnwrapped() {
        direct.get(key, T);
        IllegalStateException inner = new IllegalStateException("inner");
        source.failWith = new CompletionException(new ExecutionException(new CompletionException(inner)));
        at(Duration.ofSeconds(61));
        RefreshingCache.Lookup<String> lookup = direct.get(key, T);
        assertThat(lookup.stale()).isTrue();
        assertThat(lookup.entry().lastFailure()).isSameAs(inner);
    }
}
