package io.lava.jdbc.internal.telemetry;

import io.lava.jdbc.internal.Errors;
import java.util.function.Supplier;

/**
 * The driver's own spans and metrics through the OpenTelemetry API ({@code docs/opentelemetry.md}), when the
 * application has that API on its class path, and nothing at all when it has not.
 *
 * <p>{@link Telemetries#get()} decides once per class loader: when {@code io.opentelemetry.api.GlobalOpenTelemetry}
 * can be loaded from the driver's class loader, connects are traced by {@link OpenTelemetryConnects}; otherwise by
 * {@link #OFF}, whose {@link #start()} returns {@code null} and which loads no class of the API. The API is an optional
 * dependency of the driver, never bundled in the {@code -all} jar: the OpenTelemetry Java agent bridges the
 * application's own copy of the API to its SDK, which it cannot do for a relocated copy.
 *
 * <p>Cost: with the API absent, one call that returns {@code null} per connect; the caller
 * ({@link io.lava.jdbc.internal.engine.Engine#open}) does nothing more. Never fails a connect: an API that cannot be
 * used (a jar of it missing, an SDK that throws) turns the telemetry off with one WARNING. Thread-safe.
 */
public abstract class Telemetry {

    /** Nothing recorded: {@link #start()} returns {@code null}. */
    public static final Telemetry OFF = new Telemetry() {
        @Override
        public Connect start() {
            return null;
        }
    };

    /**
     * Starts tracing one connect: its span starts now and is the current span while the connect runs, so that spans
     * of the application's instrumentation (the agent's AWS SDK spans with the thin jar) nest under it.
     *
     * @return the connect to report to, or {@code null} when nothing records
     */
    public abstract Connect start();

    /**
     * One connect being traced, reported to by the connecting thread: its steps as they were timed, then exactly one
     * of {@link #connected} or {@link #failed}, which end the span. Never given a secret: steps name their source
     * (a table, a parameter's or secret's name, a file), never a value.
     */
    public interface Connect {
        /**
         * One resolution step, in the order the steps ran.
         *
         * @param step the step ({@code lava.step}: its {@link Errors.Step#label})
         * @param nanos how long it took, in nanoseconds (the engine's own timing)
         * @param cache how the cache served it ({@code lava.cache}): {@code hit}, {@code stale}, {@code miss} or
         *     {@code uncached}
         * @param source where the value came from ({@code lava.source}), asked only when the span records
         */
        void step(Errors.Step step, long nanos, String cache, Supplier<String> source);

        /**
         * The connect succeeded; ends the span.
         *
         * @param realm the realm ({@code lava.realm})
         * @param connId the conn_id ({@code lava.conn_id})
         * @param connectNanos how long pgjdbc's successful connect took, in nanoseconds
         * @param attempts pgjdbc connects made ({@code lava.attempts}): 1, more when the server refused the
         *     credentials and the connect was retried with fresh ones
         * @param reused whether the connect reused an earlier connect's resolution ({@code lava.reused}); its steps
         *     are then not reported again
         */
        void connected(String realm, String connId, long connectNanos, int attempts, boolean reused);

        /**
         * The connect failed; ends the span with status ERROR.
         *
         * @param realm the realm, or {@code null} when the URL named none that could be read
         * @param connId the conn_id, or {@code null} likewise
         * @param sqlState the failure's SQLState ({@code error.type} and {@code db.response.status_code}); the
         *     message is not recorded
         */
        void failed(String realm, String connId, String sqlState);
    }
}
