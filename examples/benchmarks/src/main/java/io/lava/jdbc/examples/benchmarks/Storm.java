package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.LavaPgDriver;
import io.lava.jdbc.testing.LocalAws;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Row 4: many threads open connections at once through one record no cache has seen, in this (the harness's) JVM.
 * Counts the AWS calls the local endpoint received per operation ({@link LocalAws#calls}) and the driver's own JMX
 * counters, and times each {@code connect} (close not included).
 *
 * <p>Before the storm every thread makes a few connects through another record, {@code bench/warm}, so that class
 * loading, JIT and AWS client construction are not what the storm measures; the storm's record, parameter and their
 * cache entries are new. The TTLs are the defaults: a storm longer than 45 s (three quarters of {@code recordTtl})
 * also sees the record's refresh-ahead reload, one more {@code GetItem} that no connect waits for.
 */
final class Storm {
    static final String GET_ITEM = "DynamoDB_20120810.GetItem";
    static final String GET_PARAMETER = "AmazonSSM.GetParameter";
    static final String GET_SECRET_VALUE = "secretsmanager.GetSecretValue";
    static final List<String> JMX_COUNTERS = List.of("DynamoDbCalls", "SsmCalls", "SecretsManagerCalls",
            "RecordCacheMisses", "ParameterCacheMisses", "RecordCacheHits", "ParameterCacheHits");
    private static final int WARMUP_CONNECTS = 5;

    /**
     * @param threads threads that connected at once
     * @param connectsPerThread connects each made
     * @param sortedNanos the successful connects' latencies, ascending
     * @param failures connects that threw
     * @param firstFailure the first failure's reason, or {@code null}
     * @param awsCalls requests the local endpoint received, by {@code X-Amz-Target}
     * @param jmx change of the driver's MBean counters, by attribute
     * @param wallNanos how long the storm took, first connect to last
     */
    record Outcome(int threads, int connectsPerThread, long[] sortedNanos, int failures, String firstFailure,
                   Map<String, Long> awsCalls, Map<String, Long> jmx, long wallNanos) {

        /** @return the nearest-rank percentile {@code q} (0 to 1) of the latencies, in nanoseconds */
        long percentile(double q) {
            return Storm.percentile(sortedNanos, q);
        }
    }

    private Storm() {
    }

    /**
     * @param fixture the servers and records
     * @param threads threads connecting at once
     * @param connectsPerThread connects per thread
     * @return latencies and call counts
     * @throws Exception when the storm cannot run at all
     */
    static Outcome run(Fixture fixture, int threads, int connectsPerThread) throws Exception {
        BenchEnv env = fixture.env();
        String warmUrl = env.lavaUrl(BenchEnv.WARM);
        Driver driver = DriverManager.getDriver(warmUrl);
        wave(driver, warmUrl, threads, WARMUP_CONNECTS);

        String url = env.lavaUrl(fixture.freshSsmRecord());
        LocalAws aws = fixture.aws();
        Map<String, Long> awsBefore = awsCalls(aws);
        Map<String, Long> jmxBefore = jmx();
        long start = System.nanoTime();
        Wave wave = wave(driver, url, threads, connectsPerThread);
        long wallNanos = System.nanoTime() - start;
        Map<String, Long> awsCalls = minus(awsCalls(aws), awsBefore);
        Map<String, Long> jmx = minus(jmx(), jmxBefore);
        return new Outcome(threads, connectsPerThread, wave.sortedNanos, wave.failures.get(), wave.firstFailure.get(),
                awsCalls, jmx, wallNanos);
    }

    /** Latencies of one wave of connects. */
    private record Wave(long[] sortedNanos, AtomicInteger failures, AtomicReference<String> firstFailure) {
    }

    private static Wave wave(Driver driver, String url, int threads, int connectsPerThread) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[]>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    long[] nanos = new long[connectsPerThread];
                    int ok = 0;
                    start.await();
                    for (int i = 0; i < connectsPerThread; i++) {
                        long begin = System.nanoTime();
                        try (Connection c = driver.connect(url, new Properties())) {
                            nanos[ok++] = System.nanoTime() - begin;
                            c.getAutoCommit();
                        } catch (SQLException e) {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, BenchEnv.reason(e));
                        }
                    }
                    return Arrays.copyOf(nanos, ok);
                }));
            }
            long[] all = new long[0];
            for (Future<long[]> result : results) {
                long[] part = result.get();
                long[] joined = Arrays.copyOf(all, all.length + part.length);
                System.arraycopy(part, 0, joined, all.length, part.length);
                all = joined;
            }
            Arrays.sort(all);
            return new Wave(all, failures, firstFailure);
        } finally {
            pool.shutdownNow();
        }
    }

    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static Map<String, Long> awsCalls(LocalAws aws) {
        Map<String, Long> calls = new LinkedHashMap<>();
        for (String target : List.of(GET_ITEM, GET_PARAMETER, GET_SECRET_VALUE)) {
            calls.put(target, (long) aws.calls(target));
        }
        return calls;
    }

    private static Map<String, Long> jmx() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.lava.jdbc:type=LavaPgDriver");
        Map<String, Long> values = new LinkedHashMap<>();
        for (String attribute : JMX_COUNTERS) {
            values.put(attribute, (Long) server.getAttribute(name, attribute));
        }
        return values;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> delta = new LinkedHashMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.get(k)));
        return delta;
    }
}
