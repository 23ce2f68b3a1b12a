package io.lava.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.engine.SharedEngine;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When the engine's counters appear over JMX: at once with a platform MBean server, later without one. */
class MetricsTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name = objectName();
    private final Metrics metrics = new Metrics();

    private static ObjectName objectName() {
        try {
            return new ObjectName(Metrics.OBJECT_NAME);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeEach
    void noOtherEngineHoldsTheName() {
        SharedEngine.close(); // ends a registration another test's shared engine may still have pending
        assertThat(server.isRegistered(name)).as("another engine's MBean in this JVM").isFalse();
    }

    @AfterEach
    void unregister() {
        metrics.unregister();
    }

    @Test
    void withAPlatformMBeanServerTheCountersAreRegisteredAtOnce() {
        metrics.registerSoon(Duration.ofHours(1));

        assertThat(server.isRegistered(name)).isTrue();
        metrics.unregister();
        assertThat(server.isRegistered(name)).isFalse();
    }

    @Test
    void withoutOneTheyAreRegisteredByADaemonThreadAfterTheDelay() throws Exception {
        metrics.registerSoon(Duration.ofMillis(100), false);

        Thread pending = thread("lava-pg-jmx");
        assertThat(pending).isNotNull();
        assertThat(pending.isDaemon()).isTrue();
        pending.join(10_000);
        assertThat(pending.isAlive()).isFalse();
        assertThat(server.isRegistered(name)).isTrue();
    }

    @Test
    void unregisteringBeforeTheDelayEndsTheThreadAndNothingIsRegistered() throws Exception {
        metrics.registerSoon(Duration.ofHours(1), false);
        Thread pending = thread("lava-pg-jmx");
        assertThat(pending).isNotNull();

        metrics.unregister();
        pending.join(10_000);

        assertThat(pending.isAlive()).isFalse();
        assertThat(server.isRegistered(name)).isFalse();
        metrics.register(); // a registration arriving after unregister() adds nothing
        assertThat(server.isRegistered(name)).isFalse();
    }

    private static Thread thread(String threadName) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(threadName)).findFirst()
                .orElse(null);
    }
}
