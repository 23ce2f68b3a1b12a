package io.lava.jdbc.it.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.AwsFaults;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A soak under random AWS faults: once warm values exist, {@value #THREADS} threads connect, query and close for
 * {@value #SECONDS} s through three conn_ids (two with an SSM password, one with a Secrets Manager secret), with
 * records, parameters and secrets living 1 s ({@code recordTtl=1}, {@code parameterTtl=1}, {@code secretTtl=1}) while
 * every AWS call fails with probability {@value #FAULT_RATE}: HTTP 500, {@code ThrottlingException}, connection reset,
 * an answer later than {@code awsApiCallAttemptTimeout} (1 s), or malformed JSON ({@link AwsFaults}). Real time: it is a
 * soak. No connect fails (throttling is retried, other failures are served from the last good value), and the driver's
 * threads and heap stay bounded. The long form is the benchmark's "soak" row.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class SoakIT {
    private static final int THREADS = 8;
    private static final int SECONDS = 20;
    private static final double FAULT_RATE = 0.3;
    private static final String PASSWORD = "soak-Pa55";
    /** Threads that may appear during the soak beyond those before it (refresh workers, JDK internals). */
    private static final int THREAD_MARGIN = 16;
    /** Heap growth allowed after a GC, in bytes. */
    private static final long HEAP_MARGIN = 96L << 20;

    @Test
    void connectsNeverFailUnderRandomAwsFaults(LocalPostgres pg, LocalAws aws) throws Exception {
        pg.createRole("soak_user", PASSWORD);
        pg.createDatabase("soak_db", "soak_user");
        aws.createConnectionsTable("soak");
        String table = LocalAws.connectionsTable("soak");
        aws.putRecord(table, LavaRealm.postgresRecord("ssm1", pg, "soak_db", "soak_user", "/lava/soak/pw1"));
        aws.putRecord(table, LavaRealm.postgresRecord("ssm2", pg, "soak_db", "soak_user", "/lava/soak/pw2"));
        Map<String, Object> withSecret = LavaRealm.postgresRecord("secret", pg, "soak_db", "soak_user", null);
        withSecret.put("secret_id", "/lava/soak/secret");
        aws.putRecord(table, withSecret);
        aws.putParameter("/lava/soak/pw1", PASSWORD);
        aws.putParameter("/lava/soak/pw2", PASSWORD);
        aws.putSecret("/lava/soak/secret", "{\"password\": \"" + PASSWORD + "\"}");
        List<String> connIds = List.of("ssm1", "ssm2", "secret");

        Properties p = LavaRealm.awsProperties(aws);
        p.setProperty("recordTtl", "1");
        p.setProperty("parameterTtl", "1");
        p.setProperty("secretTtl", "1");
        p.setProperty("awsApiCallAttemptTimeout", "1");
        for (String connId : connIds) {
            connectAndQuery(connId, p);
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        int threadsBefore = Thread.activeCount();

        AtomicInteger connects = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        int maxThreads = threadsBefore;
        try (AutoCloseable faults = aws.randomFaults(FAULT_RATE, 1_500, 42, "DynamoDB_20120810.GetItem",
                "AmazonSSM.GetParameter", "secretsmanager.GetSecretValue")) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() - end < 0) {
                        String connId = connIds.get(ThreadLocalRandom.current().nextInt(connIds.size()));
                        try {
                            connectAndQuery(connId, p);
                            connects.incrementAndGet();
                        } catch (SQLException e) {
                            failures.add(connId + ": " + e.getSQLState() + " " + e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            while (System.nanoTime() - end < 0) {
                Thread.sleep(500);
                maxThreads = Math.max(maxThreads, Thread.activeCount());
            }
            for (Future<?> worker : workers) {
                worker.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        System.gc();
        long heapAfter = memory.getHeapMemoryUsage().getUsed();
        AwsFaults f = aws.faults();
        System.out.printf("soak: %d threads, %d s, fault rate %.2f: %d connects, %d failed; faults injected: 500 %d, "
                + "throttled %d, reset %d, late %d, malformed %d; threads %d before, at most %d during; heap %d MiB "
                + "before, %d MiB after%n", THREADS, SECONDS, FAULT_RATE, connects.get(), failures.size(),
                f.faulted(AwsFaults.Kind.HTTP_500), f.faulted(AwsFaults.Kind.THROTTLED),
                f.faulted(AwsFaults.Kind.RESET), f.faulted(AwsFaults.Kind.DELAY), f.faulted(AwsFaults.Kind.MALFORMED),
                threadsBefore, maxThreads, heapBefore >> 20, heapAfter >> 20);

        assertThat(failures).as("failed connects").isEmpty();
        assertThat(connects.get()).as("connects").isGreaterThan(THREADS);
        assertThat(f.faulted(AwsFaults.Kind.HTTP_500) + f.faulted(AwsFaults.Kind.THROTTLED)
                + f.faulted(AwsFaults.Kind.RESET) + f.faulted(AwsFaults.Kind.DELAY)
                + f.faulted(AwsFaults.Kind.MALFORMED)).as("faults injected").isPositive();
        assertThat(maxThreads).as("live threads during the soak (pool of %d included)", THREADS)
                .isLessThanOrEqualTo(threadsBefore + THREADS + THREAD_MARGIN);
        assertThat(heapAfter).as("heap in use after the soak").isLessThan(heapBefore + HEAP_MARGIN);
    }

    private static void connectAndQuery(String connId, Properties p) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:soak/" + connId, p);
             Statement s = c.createStatement()) {
            s.execute("select 1");
        }
    }
}
