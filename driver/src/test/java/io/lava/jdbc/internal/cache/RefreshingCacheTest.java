package io.lava.jdbc.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import io.lava.jdbc.testing.ParkedCallers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
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
import org.junit.jupiter.params.provider.MethodSource;

class RefreshingCacheTest {
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Duration MAX_STALE = Duration.ofMinutes(10);
    private static final long MAXIMUM_SIZE = 10_000;
    private static final Logger CACHE_LOG = Logger.getLogger(RefreshingCache.class.getName());
    private static final CallTimeouts T = CallTimeouts.DEFAULT;

    /** A source whose loads are counted and can be made to fail. */
    private static final class Source {
        final AtomicInteger loads = new AtomicInteger();
        volatile boolean failing;
        /** When set, what the next loads throw instead (also checked exceptions, as undeclared throws). */
        volatile Throwable failWith;
        volatile CountDownLatch hold;
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CallTimeouts lastTimeouts;

        String load(String name) {
            loads.incrementAndGet();
            entered.countDown();
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failing) {
                throw SourceException.unavailable("08001", "source down", null);
            }
            Throwable t = failWith;
            if (t != null) {
                throw RefreshingCacheTest.<RuntimeException>sneaky(t);
            }
            return name + "#" + loads.get();
        }
    }

    private record Key(Source source, String name) implements RefreshingCache.Loadable<String> {
        @Override
        public String load(CallTimeouts timeouts) {
            source.lastTimeouts = timeouts;
            return source.load(name);
        }

        @Override
        public String describe() {
            return "item '" + name + "'";
        }
    }

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Source source = new Source();
    private final Key key = new Key(source, "k");
    private final RefreshingCache<Key, String> cache =
            new RefreshingCache<>(Metrics.Kind.RECORD, TTL, MAX_STALE, MAXIMUM_SIZE, now::get, Runnable::run, new Metrics());
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

    @BeforeEach
    void captureWarnings() {
        CACHE_LOG.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        CACHE_LOG.removeHandler(capture);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void coldMissThenHits() {
        RefreshingCache.Lookup<String> first = cache.get(key, T);
        assertThat(first.value()).isEqualTo("k#1");
        assertThat(first.fromCache()).isFalse();
        advance(Duration.ofSeconds(30));
        RefreshingCache.Lookup<String> second = cache.get(key, T);
        assertThat(second.value()).isEqualTo("k#1");
        assertThat(second.fromCache()).isTrue();
        assertThat(source.loads).hasValue(1);
    }

    @Test
    void refreshesInTheBackgroundAfterThreeQuartersOfTheTtl() {
        List<Runnable> background = new ArrayList<>();
        RefreshingCache<Key, String> queued =
                new RefreshingCache<>(Metrics.Kind.RECORD, TTL, MAX_STALE, MAXIMUM_SIZE, now::get, background::add, new Metrics());
        queued.get(key, T);
        advance(Duration.ofSeconds(44));
        assertThat(queued.get(key, T).value()).isEqualTo("k#1");
        runAll(background);
        assertThat(source.loads).hasValue(1);
        advance(Duration.ofSeconds(2));
        // served the current value at once; the refresh waits for the background executor
        RefreshingCache.Lookup<String> lookup = queued.get(key, T);
        assertThat(lookup.value()).isEqualTo("k#1");
        assertThat(lookup.fromCache()).isTrue();
        assertThat(source.loads).hasValue(1);
        runAll(background);
        assertThat(source.loads).hasValue(2);
        assertThat(queued.get(key, T).value()).isEqualTo("k#2");
    }

    @Test
    void anIdleEntryPastItsTtlIsReloadedBeforeItIsServed() {
        cache.get(key, T);
        advance(Duration.ofSeconds(90));
        assertThat(cache.get(key, T).value()).isEqualTo("k#2");
        assertThat(source.loads).hasValue(2);
    }

    @Test
    void staleValueIsServedWhileTheSourceFailsWithOneWarning() {
        cache.get(key, T);
        source.failing = true;
        advance(Duration.ofSeconds(90));
        for (int i = 0; i < 5; i++) {
            RefreshingCache.Lookup<String> lookup = cache.get(key, T);
            assertThat(lookup.value()).isEqualTo("k#1");
            assertThat(lookup.stale()).isTrue();
            advance(Duration.ofSeconds(1));
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getParameters()[0]).isEqualTo("item 'k'");
        // the source recovers: the next background refresh replaces the stale value
        source.failing = false;
        advance(Duration.ofSeconds(46));
        cache.get(key, T);
        assertThat(cache.get(key, T).value()).startsWith("k#").isNotEqualTo("k#1");
        assertThat(cache.get(key, T).stale()).isFalse();
    }

    @Test
    void aStaleValueIsNotServedPastMaxStale() {
        cache.get(key, T);
        source.failing = true;
        advance(TTL.plus(MAX_STALE).minusSeconds(1));
        assertThat(cache.get(key, T).stale()).isTrue();
        advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> cache.get(key, T)).isInstanceOf(SourceException.class).hasMessage("source down");
    }

    @Test
    void anAnswerOfTheSourceServesUntilTheTtlThenDropsTheValue() {
        Metrics metrics = new Metrics();
        RefreshingCache<Key, String> answered =
                new RefreshingCache<>(Metrics.Kind.RECORD, TTL, MAX_STALE, MAXIMUM_SIZE, now::get, Runnable::run,
                        metrics);
        answered.get(key, T);
        source.failWith = new SourceException("28000", "connection not enabled");
        advance(Duration.ofSeconds(50));
        // the refresh ahead got the answer; the value still serves until its TTL
        assertThat(answered.get(key, T).value()).isEqualTo("k#1");
        assertThat(answered.get(key, T).stale()).isFalse();
        advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> answered.get(key, T)).isInstanceOf(SourceException.class)
                .hasMessage("connection not enabled");
        assertThat(metrics.getValuesDroppedOnAnswer()).isEqualTo(1);
        assertThat(metrics.getStaleValuesServed()).isZero();
        assertThat(warnings).as("an answer is no outage").isEmpty();
        // nothing is left to serve; the next read asks the source again
        int loads = source.loads.get();
        assertThatThrownBy(() -> answered.get(key, T)).hasMessage("connection not enabled");
        assertThat(source.loads.get()).isEqualTo(loads + 1);
    }

    @Test
    void anAnswerAheadOfTheTtlIsAskedAgainAtTheTtl() {
        cache.get(key, T);
        source.failWith = new SourceException("08001", "no such connection");
        advance(Duration.ofSeconds(50)); // the refresh ahead gets the answer
        assertThat(cache.get(key, T).value()).isEqualTo("k#1");
        source.failWith = null; // the record is back before the TTL
        advance(Duration.ofSeconds(11));
        RefreshingCache.Lookup<String> lookup = cache.get(key, T);
        assertThat(lookup.value()).isNotEqualTo("k#1").startsWith("k#");
        assertThat(lookup.stale()).isFalse();
    }

    @Test
    void anOutageAfterAnAnswerDoesNotTakeTheAnswerBack() {
        cache.get(key, T);
        source.failWith = new SourceException("28000", "denied");
        advance(Duration.ofSeconds(50)); // the refresh ahead gets the answer
        cache.get(key, T);
        source.failWith = null;
        source.failing = true; // then the source cannot be asked, ahead and at the TTL
        advance(Duration.ofSeconds(5));
        cache.get(key, T);
        advance(Duration.ofSeconds(6));
        assertThatThrownBy(() -> cache.get(key, T)).isInstanceOf(SourceException.class).hasMessage("denied");
        assertThat(warnings).isEmpty();
    }

    @Test
    void zeroMaxStaleNeverServesStale() {
        RefreshingCache<Key, String> strict =
                new RefreshingCache<>(Metrics.Kind.RECORD, TTL, Duration.ZERO, MAXIMUM_SIZE, now::get, Runnable::run, new Metrics());
        strict.get(key, T);
        source.failing = true;
        advance(Duration.ofSeconds(61));
        assertThatThrownBy(() -> strict.get(key, T)).hasMessage("source down");
    }

    @Test
    void coldCacheWithFailingSourceFailsAndCachesNothing() {
        source.failing = true;
        assertThatThrownBy(() -> cache.get(key, T)).hasMessage("source down");
        source.failing = false;
        assertThat(cache.get(key, T).value()).isEqualTo("k#2");
    }

    @Test
    void invalidateDropsOnlyTheEntryThatWasServed() {
        RefreshingCache.Lookup<String> used = cache.get(key, T);
        cache.invalidate(key, used.entry());
        RefreshingCache.Lookup<String> fresh = cache.get(key, T);
        assertThat(fresh.value()).isEqualTo("k#2");
        cache.invalidate(key, used.entry()); // a second caller that also saw the old credentials refused
        assertThat(cache.get(key, T).value()).isEqualTo("k#2");
    }

    @Test
    void concurrentCallersShareOneLoad() throws Exception {
        source.hold = new CountDownLatch(1);
        int threads = 16;
        try (ParkedCallers callers = new ParkedCallers(threads)) {
            List<Future<String>> results = new ArrayList<>();
            results.add(callers.submit(() -> cache.get(key, T).value()));
            assertThat(source.entered.await(10, TimeUnit.SECONDS)).as("first load started").isTrue();
            for (int i = 1; i < threads; i++) {
                results.add(callers.submit(() -> cache.get(key, T).value()));
            }
            callers.awaitAllParked();
            source.hold.countDown();
            for (Future<String> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("k#1");
            }
        }
        assertThat(source.loads).hasValue(1);
    }

    @Test
    void backgroundRefreshesUseTheTimeLimitsOfTheLoadThatFilledTheEntry() {
        CallTimeouts tight = new CallTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1));
        cache.get(key, tight);
        assertThat(source.lastTimeouts).isEqualTo(tight);
        source.lastTimeouts = null;
        advance(TTL.multipliedBy(3).dividedBy(4).plusSeconds(1));
        cache.get(key, T); // starts the refresh (run at once here)
        assertThat(source.loads).hasValue(2);
        assertThat(source.lastTimeouts).isEqualTo(tight);
    }


    /**
     * Until {@code thread} is parked on a {@code CompletableFuture} with {@code method} on its stack: waiting for the
     * value, not parked for a moment inside Caffeine on the way to it (a refresh it would then start itself).
     */
    private static void awaitParkedIn(Thread thread, String method) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Thread.State state = thread.getState();
            StackTraceElement[] stack = thread.getStackTrace();
            if ((state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                    && Stream.of(stack).anyMatch(f -> f.getClassName().equals(CompletableFuture.class.getName()))
                    && Stream.of(stack).anyMatch(f -> f.getMethodName().equals(method))) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the caller did not wait in " + method);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /**
     * The soak's race: a refresh ahead started by one caller at three quarters of the TTL is still in flight when the
     * entry passes its TTL; a second caller then waits on that same refresh ({@code cache.refresh} returns the one in
     * flight), and the refresh fails with something that is not a {@link RuntimeException}. The waiting caller must
     * get the value still within {@code maxStale}, not the failure.
     */
    @ParameterizedTest
    @MethodSource("refreshFailures")
    void aFailingRefreshThatAnotherCallerStartedNeverReachesAWaitingCaller(Throwable failure) throws Exception {
        List<Runnable> background = new ArrayList<>();
        RefreshingCache<Key, String> queued = new RefreshingCache<>(Metrics.Kind.RECORD, TTL, MAX_STALE, MAXIMUM_SIZE, now::get,
                r -> {
                    synchronized (background) {
                        background.add(r);
                    }
                }, new Metrics());
        queued.get(key, T);
        advance(Duration.ofSeconds(46));
        assertThat(queued.get(key, T).value()).isEqualTo("k#1"); // starts the refresh ahead, queued
        advance(Duration.ofSeconds(15)); // past the TTL, the refresh still in flight
        source.failWith = failure;
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            List<Thread> callerThread = new ArrayList<>();
            caller.submit(() -> callerThread.add(Thread.currentThread())).get(10, TimeUnit.SECONDS);
            Future<RefreshingCache.Lookup<String>> waiting = caller.submit(() -> queued.get(key, T));
            awaitParkedIn(callerThread.get(0), "refreshNow"); // on the refresh the first caller started
            runAll(background);
            RefreshingCache.Lookup<String> lookup = waiting.get(10, TimeUnit.SECONDS);
            assertThat(lookup.value()).isEqualTo("k#1");
            assertThat(lookup.stale()).isTrue();
        } finally {
            caller.shutdownNow();
        }
        assertThat(source.loads).hasValue(2);
        assertThat(warnings).hasSize(1);
        // still served, without waiting, while refreshes keep failing; past maxStale the caller gets an unchecked failure
        assertThat(queued.get(key, T).stale()).isTrue();
        runAll(background);
        source.failWith = null;
        source.failing = true;
        advance(MAX_STALE);
        assertThatThrownBy(() -> {
            queued.get(key, T);
            runAll(background);
            queued.get(key, T);
        }).isInstanceOf(RuntimeException.class).isNotInstanceOf(CompletionException.class);
    }

    static Stream<Throwable> refreshFailures() {
        return Stream.of(new AssertionError("assertion"), new StackOverflowError(), new IOException("undeclared"),
                new CompletionException(new IOException("wrapped")), new CancellationException(),
                new IllegalStateException("unchecked"), SourceException.unavailable("08001", "source down", null));
    }

    @Test
    void aRefreshStillInFlightAtTheCallersDeadlineServesTheStaleValue() throws Exception {
        List<Runnable> background = new ArrayList<>();
        RefreshingCache<Key, String> queued = new RefreshingCache<>(Metrics.Kind.RECORD, TTL, MAX_STALE, MAXIMUM_SIZE, now::get,
                background::add, new Metrics());
        queued.get(key, T);
        advance(Duration.ofSeconds(46));
        queued.get(key, T); // the refresh ahead is queued and never runs
        advance(Duration.ofSeconds(15));
        CallTimeouts tight = new CallTimeouts(Duration.ofMillis(50), Duration.ofMillis(50));
        RefreshingCache.Lookup<String> lookup = queued.get(key, tight);
        assertThat(lookup.value()).isEqualTo("k#1");
        assertThat(lookup.stale()).isTrue();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getParameters()[2].toString()).contains("did not finish within 50 ms");
    }

    @Test
    void aFailingRefreshOfATokenPastItsTtlIsThrownUnwrapped() {
        List<Runnable> background = new ArrayList<>();
        RefreshingCache<Key, String> strict = new RefreshingCache<>(Metrics.Kind.TOKEN, TTL, Duration.ZERO, MAXIMUM_SIZE, now::get,
                background::add, new Metrics());
        strict.get(key, T);
        source.failWith = new AssertionError("boom");
        advance(Duration.ofSeconds(61));
        assertThatThrownBy(() -> strict.get(key, T)).isInstanceOf(AssertionError.class);
    }

    @Test
    void aLinkageErrorInARefreshStillReachesTheCaller() {
        cache.get(key, T);
        source.failWith = new NoClassDefFoundError("software/amazon/awssdk/Missing");
        advance(Duration.ofSeconds(61));
        assertThatThrownBy(() -> cache.get(key, T)).isInstanceOf(NoClassDefFoundError.class);
    }

    private static void runAll(List<Runnable> tasks) {
        while (!tasks.isEmpty()) {
            tasks.remove(0).run();
        }
    }

}
