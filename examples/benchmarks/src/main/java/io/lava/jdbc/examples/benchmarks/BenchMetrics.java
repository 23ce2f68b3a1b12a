package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.internal.hook.TestHook;
import io.lava.jdbc.LavaPgDriverMXBean;

/**
 * Reads the driver's own counters (the shared engine's counters through {@link TestHook#metrics}, the values the JMX MBean shows) so a benchmark can show that its
 * measured connects made no AWS call: a warm cache serves everything.
 */
final class BenchMetrics {
    private final long awsCalls;
    private final long tokenMints;

    private BenchMetrics() {
        LavaPgDriverMXBean m = TestHook.metrics();
        this.awsCalls = m.getDynamoDbCalls() + m.getSsmCalls() + m.getSecretsManagerCalls();
        this.tokenMints = m.getTokenMints();
    }

    /** @return the counters now */
    static BenchMetrics snapshot() {
        return new BenchMetrics();
    }

    /** @return what happened since {@code this} snapshot, for the table's notes column */
    String since() {
        BenchMetrics now = snapshot();
        return (now.awsCalls - awsCalls) + " AWS calls, " + (now.tokenMints - tokenMints)
                + " token mints while measured";
    }
}
