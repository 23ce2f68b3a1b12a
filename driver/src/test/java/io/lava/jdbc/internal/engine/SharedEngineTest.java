package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Metrics;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The class loader's one engine: built on first use, its counters registered, closed and built anew. */
class SharedEngineTest {

    @AfterEach
    void close() {
        SharedEngine.close();
    }

    @Test
    void oneEngineUntilClosedThenANewOne() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer(); // registration is then immediate
        ObjectName name = new ObjectName(Metrics.OBJECT_NAME);
        SharedEngine.close();
        boolean free = !server.isRegistered(name); // else another engine of this JVM holds the name
        Engine first = SharedEngine.get();
        assertThat(first).isNotNull();
        assertThat(SharedEngine.get()).isSameAs(first);
        if (free) {
            assertThat(server.isRegistered(name)).as("its counters are the driver's MBean").isTrue();
        }
        SharedEngine.close();
        if (free) {
            assertThat(server.isRegistered(name)).isFalse();
        }
        assertThatThrownBy(() -> first.resolve("jdbc:lava-pg:prod/wh", null))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"))
                .hasMessageContaining("engine closed");
        Engine second = SharedEngine.get();
        assertThat(second).isNotNull().isNotSameAs(first);
        SharedEngine.close();
        SharedEngine.close(); // nothing to close
    }
}
