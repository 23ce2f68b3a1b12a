package io.lava.jdbc.internal.hook;

import io.lava.jdbc.LavaPgDriverMXBean;
import io.lava.jdbc.internal.engine.SharedEngine;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The one seam through which code outside the driver (the benchmarks under {@code examples/benchmarks}) reaches what the
 * public API does not offer: a resolve without a connect, and the engine's counters without JMX. Internal, like every
 * {@code io.lava.jdbc.internal} class: it may change in any release; CONTRIBUTING.md ("Test hook") documents it.
 *
 * <p>Each method works on the driver's shared engine of this class loader, the one {@link io.lava.jdbc.LavaPgDriver}
 * connects through.
 */
public final class TestHook {
    private TestHook() {
    }

    /**
     * Parses the URL and properties and resolves record and credentials exactly as a connect does (caches and the
     * reuse of earlier resolutions included), without opening a connection.
     *
     * @param url a {@code jdbc:lava-pg:} URL
     * @param info the connection properties, possibly {@code null}
     * @return the resolution, opaque to the caller (held only so that a benchmark's work is not optimised away)
     * @throws SQLException as {@link io.lava.jdbc.LavaPgDriver#connect} throws it for the steps before the connect
     */
    public static Object resolve(String url, Properties info) throws SQLException {
        return SharedEngine.get().resolve(url, info);
    }

    /**
     * Resolves as {@link #resolve} does and returns the password pgjdbc would be given: the SSM value, the secret's
     * password or the RDS IAM token. A secret: the caller must not print or log it.
     *
     * @param url a {@code jdbc:lava-pg:} URL
     * @param info the connection properties, possibly {@code null}
     * @return the password
     * @throws SQLException as {@link #resolve}
     */
    public static String resolvedPassword(String url, Properties info) throws SQLException {
        return SharedEngine.get().resolve(url, info).connection().password();
    }

    /** @return the shared engine's counters: the values the JMX MBean {@code io.lava.jdbc:type=LavaPgDriver} shows */
    public static LavaPgDriverMXBean metrics() {
        return SharedEngine.get().metrics();
    }
}
