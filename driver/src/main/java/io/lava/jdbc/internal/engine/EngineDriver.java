package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.request.ConnectionRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where {@code connect(String, Properties)} of {@code io.lava.jdbc.LavaPgDriver} is declared: in a superclass that
 * does not implement {@link java.sql.Driver}, so that the OpenTelemetry Java agent's JDBC instrumentation leaves it
 * alone and a lava-pg connection's database spans carry PostgreSQL's attributes.
 *
 * <p>The agent (2.x, {@code DriverInstrumentation}) rewrites every method named {@code connect*} that takes a
 * {@link String} and a {@link Properties} and returns a {@link Connection}, declared in a class that implements
 * {@link java.sql.Driver}; on its return it parses the URL it was called with and records the result for the
 * connection it returned, replacing whatever an inner connect recorded. Declared in {@code LavaPgDriver}, the
 * driver's connect would record {@code jdbc:lava-pg:...} (system {@code other_sql}, no server, database or user) over
 * what pgjdbc's own {@code Driver.connect}, called inside it with the {@code jdbc:postgresql://host:port/database}
 * URL and the record's user, recorded. The agent rewrites only the methods a matched class declares; this class is
 * not matched, so pgjdbc's record is the one that stays ({@code docs/opentelemetry.md}). Public, so that the compiler
 * adds no bridge method to {@code LavaPgDriver} (it does for a public method inherited from a package-private class).
 */
public abstract class EngineDriver {

    /** How a driver finds the engine it connects through. */
    @FunctionalInterface
    protected interface EngineOf {
        /**
         * @param driver the driver connecting
         * @return its engine
         * @throws SQLException when it has none (a deregistered driver: {@code 08001})
         */
        Engine of(EngineDriver driver) throws SQLException;
    }

    private final EngineOf engineOf;

    /** @param engineOf finds this driver's engine, at each connect */
    protected EngineDriver(EngineOf engineOf) {
        this.engineOf = engineOf;
    }

    /**
     * Opens a connection ({@link Engine#open}: reuse or resolve, pgjdbc, one retry with fresh credentials when the
     * server refuses them). {@link java.sql.Driver#connect} of {@code io.lava.jdbc.LavaPgDriver}.
     *
     * @param url a JDBC URL; any URL not starting with {@code jdbc:lava-pg:} yields {@code null}
     * @param info properties from the tool, may be {@code null}; {@code user} and {@code password} are ignored
     * @return pgjdbc's connection, or {@code null} for a foreign URL
     * @throws SQLException see {@code io.lava.jdbc.LavaPgDriver} for SQLStates; {@code 08001} through a deregistered
     *     driver
     */
    public Connection connect(String url, Properties info) throws SQLException {
        if (!ConnectionRef.accepts(url)) {
            return null;
        }
        return engineOf.of(this).open(url, info).connection();
    }
}
