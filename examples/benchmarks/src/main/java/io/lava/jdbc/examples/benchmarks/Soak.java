package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.testing.AwsFaults;
import io.lava.jdbc.testing.LocalAws;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Row 7: the long form of the driver's {@code SoakIT}, in this JVM. Threads connect, query and close through three
 * conn_ids (two SSM records and the Secrets Manager record) with 1 s TTLs ({@code recordTtl}, {@code parameterTtl},
 * {@code secretTtl}) and {@code awsApiCallAttemptTimeout=1}, while a share of every AWS call fails at random (HTTP 500,
 * {@code ThrottlingException}, connection reset, an answer 1.5 s late, malformed JSON: {@link AwsFaults}). Warm values
 * exist before the faults start. Counts connects, failures, the AWS calls and faults, live threads and heap.
 */
final class Soak {
    private static final List<String> TARGETS = List.of(Storm.GET_ITEM, Storm.GET_PARAMETER, Storm.GET_SECRET_VALUE);

    /**
     * @param threads threads that connected
     * @param seconds how long
     * @param faultPercent share of AWS calls faulted
     * @param connects connects that succeeded
     * @param failures connects that failed
     * @param firstFailure the first failure's reason, or {@code null}
     * @param awsCalls requests the endpoint received, all operations
     * @param faults requests answered with a fault
     * @param threadsBefore live threads before the soak
     * @param threadsMax most live threads seen during it
     * @param heapBeforeMiB heap in use after a GC before
     * @param heapAfterMiB heap in use after a GC after
     */
    record Outcome(int threads, int seconds, int faultPercent, int connects, int failures, String firstFailure,
                   int awsCalls, int faults, int threadsBefore, int threadsMax, long heapBeforeMiB,
                   long heapAfterMiB) {
    }

    private Soak() {
    }

    static Outcome run(Fixture fixture, int threads, int seconds, int faultPercent) throws Exception {
        BenchEnv env = fixture.env();
        String ttls = "&recordTtl=1&parameterTtl=1&secretTtl=1&awsApiCallAttemptTimeout=1";
        List<String> urls = List.of(env.lavaUrl(fixture.freshSsmRecord()) + ttls,
                env.lavaUrl(fixture.freshSsmRecord()) + ttls, env.lavaUrl(BenchEnv.SECRET) + ttls);
        for (String url : urls) {
            connect(url);
        }
        LocalAws aws = fixture.aws();
        System.gc();
        long heapBefore = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        int threadsBefore = Thread.activeCount();
        int callsBefore = calls(aws);
        int faultsBefore = faults(aws.faults());
        AtomicInteger connects = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int threadsMax = threadsBefore;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (AutoCloseable faults = aws.randomFaults(faultPercent / 100.0, 1_500, 7,
                TARGETS.toArray(new String[0]))) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() - end < 0) {
                        try {
                            connect(urls.get(ThreadLocalRandom.current().nextInt(urls.size())));
                            connects.incrementAndGet();
                        } catch (SQLException e) {
                            failures.incrementAndGet();
                            first.compareAndSet(null, e.getSQLState() + " " + e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            while (System.nanoTime() - end < 0) {
                Thread.sleep(500);
                threadsMax = Math.max(threadsMax, Thread.activeCount());
            }
            for (Future<?> worker : workers) {
                worker.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        System.gc();
        long heapAfter = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        return new Outcome(threads, seconds, faultPercent, connects.get(), failures.get(), first.get(),
                calls(aws) - callsBefore, faults(aws.faults()) - faultsBefore, threadsBefore, threadsMax,
                heapBefore >> 20, heapAfter >> 20);
    }

    private static int calls(LocalAws aws) {
        return TARGETS.stream().mapToInt(aws::calls).sum();
    }

    private static int faults(AwsFaults f) {
        int n = 0;
        for (AwsFaults.Kind kind : AwsFaults.Kind.values()) {
            n += f.faulted(kind);
        }
        return n;
    }

    private static void connect(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("select 1");
        }
    }
}
