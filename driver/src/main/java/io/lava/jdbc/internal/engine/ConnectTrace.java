package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.ConnectionRequest;
import io.lava.jdbc.internal.telemetry.Telemetry;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Reports one traced {@link Engine#open} to the driver's {@link Telemetry}: the steps of the resolution it used
 * ({@link Resolution.StepTiming}, timed by the resolver anyway), pgjdbc's connect and the outcome. Used only when the
 * telemetry records ({@link Telemetry#start()} gave a connect), so an untraced connect never reaches this class.
 */
final class ConnectTrace {

    /** {@link Engine}'s connect path, as it runs without telemetry. */
    interface Open<T extends Outcome> {
        T open(String url, Properties info) throws SQLException;
    }

    /** What a successful connect reports: {@link Engine.Opened}. */
    interface Outcome {
        /** @return the parsed URL and options */
        ConnectionRequest request();

        /** @return the resolution the connection was opened with */
        Resolution resolution();

        /** @return how long pgjdbc's successful connect took, in nanoseconds */
        long connectNanos();

        /** @return how many times pgjdbc connected */
        int attempts();

        /** @return whether the resolution was an earlier connect's */
        boolean reused();
    }

    private ConnectTrace() {
    }

    /**
     * Runs {@code open} and reports it to {@code traced}: on success the realm, conn_id, each step of the resolution
     * (unless it was reused: its steps ran for an earlier connect), pgjdbc's connect time and the number of attempts;
     * on failure the realm and conn_id when the URL names them, and the SQLState.
     *
     * @param traced the connect's telemetry, from {@link Telemetry#start()}
     * @param url the caller's URL
     * @param info the caller's properties, may be {@code null}
     * @param env environment lookup ({@code LAVA_REALM}), to name the realm of a failed connect
     * @param open the connect itself
     * @return what {@code open} returns
     * @throws SQLException what {@code open} throws, unchanged
     */
    static <T extends Outcome> T open(Telemetry.Connect traced, String url, Properties info,
                                      UnaryOperator<String> env, Open<T> open) throws SQLException {
        T opened;
        try {
            opened = open.open(url, info);
        } catch (SQLException e) {
            failed(traced, url, info, env, e.getSQLState());
            throw e;
        } catch (RuntimeException | Error e) {
            failed(traced, url, info, env, null);
            throw e;
        }
        if (!opened.reused()) {
            for (Resolution.StepTiming step : opened.resolution().steps()) {
                traced.step(step.step(), step.nanos(), step.cache().label, step.describer());
            }
        }
        ConnectionRef ref = opened.request().ref();
        traced.connected(ref.realm(), ref.connId(), opened.connectNanos(), opened.attempts(), opened.reused());
        return opened;
    }

    private static void failed(Telemetry.Connect traced, String url, Properties info, UnaryOperator<String> env,
                               String sqlState) {
        String realm = null;
        String connId = null;
        try {
            ConnectionRef ref = ConnectionRef.parse(url, info, env);
            realm = ref.realm();
            connId = ref.connId();
        } catch (RuntimeException malformed) {
            // the URL names no realm or conn_id: the span has neither
        }
        traced.failed(realm, connId, sqlState);
    }
}
